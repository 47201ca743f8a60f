/* hello: prints a line from a guest whose code and data are encrypted in DRAM, exits 0. */
#include "guest.h"

int main(void) {
    guest_puts("hello from an encrypted guest\n");
    return 0;
}
