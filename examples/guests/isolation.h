/* The page guest A keeps its secret in, and the secret itself, for the isolation demo. */
#ifndef MEE_ISOLATION_H
#define MEE_ISOLATION_H
#include <stdint.h>

/* DRAM byte offset of A's secret page (private view 0x4002_0000), and its length. */
#define SECRET_PAGE 0x20000u
#define SECRET_BYTES 256u

/* Byte i of A's secret: a recognisable text, repeated. */
static inline uint8_t secret_byte(uint32_t i) {
    static const char text[] = "guest A's secret";
    return (uint8_t)text[i % 16];
}
#endif
