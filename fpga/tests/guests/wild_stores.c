/* A guest that stores to addresses outside its map (DESIGN.md, "The SoC": they reach nothing)
   and checks that they change nothing it can see: every such address still loads zero, its
   private data and a shared word keep their values (so no key changed), and the console and
   exit registers still work. Exits 0 when all holds, else the number of failed checks. */
#include "guest.h"

#define DRAM_BYTES 0x100000u
static const uint32_t pattern = 0x5a5aa5a5u;
static volatile uint32_t private_words[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
SHARED volatile uint32_t shared_word = 0x12345678u;

static uint32_t failures;

static void wild(uint32_t addr) {
    *(volatile uint32_t *)addr = pattern;
    if (*(volatile uint32_t *)addr != 0) failures++;
}

int main(void) {
    /* Beyond DRAM in both views, the sp's own addresses (ROM, RAM, mailbox, key port,
       window, cpu controls), the unmapped device words, and a sweep of the upper half. */
    static const uint32_t targets[] = {
        DRAM_BYTES, DRAM_BYTES + 0x10, 0x3ffffff0u, 0x40000000u + DRAM_BYTES, 0x7ffffff0u,
        0x00001000u + 0x30000000u, 0x30000000u, 0x30000020u, 0x30000040u, 0x30000044u, 0x30000100u,
        0x30000120u, 0x30000200u, 0x30000208u, 0x20000000u, 0x20000100u,
        0x8000000cu, 0x80000018u, 0x80000100u, 0x80001000u, 0x90000000u, 0xfffffffcu,
    };
    for (uint32_t i = 0; i < sizeof targets / sizeof targets[0]; i++) wild(targets[i]);
    for (uint32_t k = 0; k < 128; k++) wild(0x80000020u + (k << 24));
    for (int i = 0; i < 16; i++)
        if (private_words[i] != (uint32_t)(i + 1)) failures++;
    if (shared_word != 0x12345678u) failures++;
    guest_puts("wild stores: ");
    guest_put_dec(failures);
    guest_puts(" failures\n");
    return failures;
}
