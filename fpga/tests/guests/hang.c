/* A guest that never exits: `mee soc run` must end it at --max-cycles with exit code 124. */
#include "guest.h"

int main(void) {
    guest_puts("spinning\n");
    for (;;) {
    }
    return 0;
}
