/* What a mee SoC guest can reach besides its memory (DESIGN.md, "The SoC"): the console, the
   exit register, the cycle register and the RISC-V counters. */
#ifndef MEE_GUEST_H
#define MEE_GUEST_H
#include <stdint.h>

#define GUEST_CONSOLE (*(volatile uint8_t *)0x80000000u)
#define GUEST_EXIT    (*(volatile uint32_t *)0x80000004u)
#define GUEST_CYCLES  (*(volatile uint32_t *)0x80000008u)
/* DRAM byte x through the private view (encrypted, the guest's key) and the shared view. */
#define PRIVATE_VIEW(x) ((volatile uint8_t *)(0x40000000u + (x)))
#define SHARED_VIEW(x)  ((volatile uint8_t *)(0x00000000u + (x)))
/* Data placed in the shared view (plaintext in DRAM). */
#define SHARED __attribute__((section(".shared")))

static inline void guest_putc(char c) { GUEST_CONSOLE = (uint8_t)c; }

static inline void guest_puts(const char *s) {
    while (*s) guest_putc(*s++);
}

static inline void guest_put_hex(uint32_t v) {
    guest_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4) guest_putc("0123456789abcdef"[(v >> shift) & 15]);
}

static inline void guest_put_dec(uint32_t v) {
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) guest_putc(digits[--n]);
}

static inline uint32_t guest_rdcycle(void) {
    uint32_t v;
    __asm__ volatile("rdcycle %0" : "=r"(v));
    return v;
}

static inline uint32_t guest_rdinstret(void) {
    uint32_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

/* Ends the run with `code` as the exit code. */
static inline void guest_exit(uint32_t code) {
    GUEST_EXIT = code;
    for (;;) {
    }
}
#endif
