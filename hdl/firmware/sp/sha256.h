/* SHA-256 (FIPS 180-4) for the secure processor's launch digest. */
#ifndef SP_SHA256_H
#define SP_SHA256_H
#include <stdint.h>

struct sha256 {
    uint32_t state[8];
    uint8_t buffer[64];
    uint32_t buffered;
    uint32_t total_bytes;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const uint8_t *data, uint32_t length);
/* Pads, finishes and leaves the digest in state[0..7] (digest byte 4i+k is byte 3-k of
   state[i], as the standard writes it). */
void sha256_final(struct sha256 *s);
#endif
