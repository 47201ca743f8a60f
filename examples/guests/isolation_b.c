/* isolation_b: the second guest of the isolation demo, launched after A on the same DRAM under
   the next ASID. Reads A's secret page through its own private view (A's ciphertext decrypted
   with B's key) and through the shared view (the raw ciphertext), and counts the 16-byte blocks
   that show A's secret. Exits 0 when neither view shows any, 1 otherwise. */
#include "guest.h"
#include "isolation.h"

static uint32_t blocks_with_secret(volatile uint8_t *page) {
    uint32_t found = 0;
    for (uint32_t block = 0; block < SECRET_BYTES / 16; block++) {
        uint32_t same = 0;
        for (uint32_t k = 0; k < 16; k++) same += page[16 * block + k] == secret_byte(16 * block + k);
        if (same == 16) found++;
    }
    return found;
}

int main(void) {
    uint32_t private_hits = blocks_with_secret(PRIVATE_VIEW(SECRET_PAGE));
    uint32_t shared_hits = blocks_with_secret(SHARED_VIEW(SECRET_PAGE));
    guest_puts("B: blocks of A's secret seen through the private view: ");
    guest_put_dec(private_hits);
    guest_puts(", through the shared view: ");
    guest_put_dec(shared_hits);
    guest_putc('\n');
    return private_hits == 0 && shared_hits == 0 ? 0 : 1;
}
