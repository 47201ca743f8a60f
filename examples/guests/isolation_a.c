/* isolation_a: the first guest of the isolation demo. Writes its secret into a page of its
   private memory (encrypted under its own key), reads it back, exits 0. */
#include "guest.h"
#include "isolation.h"

int main(void) {
    volatile uint8_t *page = PRIVATE_VIEW(SECRET_PAGE);
    for (uint32_t i = 0; i < SECRET_BYTES; i++) page[i] = secret_byte(i);
    for (uint32_t i = 0; i < SECRET_BYTES; i++)
        if (page[i] != secret_byte(i)) {
            guest_puts("A: secret read back wrong\n");
            return 1;
        }
    guest_puts("A: secret stored in private memory\n");
    return 0;
}
