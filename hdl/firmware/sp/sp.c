/* The secure processor's firmware: the launch of one guest, in the roles of AMD SEV's
   LAUNCH_START, LAUNCH_UPDATE_DATA, LAUNCH_MEASURE and ACTIVATE.

   The host writes the launch mailbox (layout below) and raises its start bit. The firmware
   then programs the guest's keys into slot ASID, re-writes every block of the private ranges
   in place through its window on the engine (read with the C-bit clear, measured, written
   back with the C-bit set under the guest's ASID), reports the launch to the host, and
   releases the cpu at the entry point under that ASID.

   Report to the host, one word per store to REPORT: the status (0 launched, 1 the engine
   refused the keys, 2 the engine refused a block, 3 a bad mailbox), then on success the eight
   words of the launch digest (SHA-256 of the sealed bytes in mailbox order), then the number
   of blocks sealed. */
#include <stdint.h>
#include "sha256.h"

#define REG(addr) (*(volatile uint32_t *)(addr))

/* Launch mailbox (written by the host). */
#define MAILBOX(w)      REG(0x20000000u + 4u * (w))
#define MAILBOX_START   REG(0x20000100u)
enum { MB_ASID = 0, MB_ENTRY = 1, MB_RANGES = 2, MB_KEY_WORDS = 3, MB_KEY1 = 4, MB_KEY2 = 12, MB_RANGE0 = 20 };
#define MAX_RANGES 16

/* Key port. */
#define KEY1(w)         REG(0x30000000u + 4u * (w))
#define KEY2(w)         REG(0x30000020u + 4u * (w))
#define KEY_ASID        REG(0x30000040u)
#define KEY_COMMAND     REG(0x30000044u)
#define KEY_STATUS      REG(0x30000048u)
/* Window on the engine's core port. */
#define WINDOW_ADDR     REG(0x30000100u)
#define WINDOW_ASID     REG(0x30000104u)
#define WINDOW_CBIT     REG(0x30000108u)
#define WINDOW_DATA(w)  REG(0x30000110u + 4u * (w))
#define WINDOW_GO       REG(0x30000120u)
#define WINDOW_STATUS   REG(0x30000124u)
/* The cpu's controls and the report to the host. */
#define CPU_ASID        REG(0x30000200u)
#define CPU_ENTRY       REG(0x30000204u)
#define CPU_RUN         REG(0x30000208u)
#define REPORT          REG(0x30000300u)

enum { LAUNCHED = 0, KEYS_REFUSED = 1, BLOCK_REFUSED = 2, BAD_MAILBOX = 3 };

static struct sha256 digest;

static void halt(void) {
    for (;;) {
    }
}

static void fail(uint32_t status, uint32_t detail) {
    REPORT = status;
    REPORT = detail;
    halt();
}

/* One access through the window; returns the engine's status. */
static uint32_t window(uint32_t addr, uint32_t asid, uint32_t cbit, uint32_t write) {
    WINDOW_ADDR = addr;
    WINDOW_ASID = asid;
    WINDOW_CBIT = cbit;
    WINDOW_GO = write;
    while (WINDOW_STATUS & 1) {
    }
    return (WINDOW_STATUS >> 1) & 3;
}

int main(void) {
    while (!(MAILBOX_START & 1)) {
    }
    uint32_t asid = MAILBOX(MB_ASID), entry = MAILBOX(MB_ENTRY);
    uint32_t ranges = MAILBOX(MB_RANGES), key_words = MAILBOX(MB_KEY_WORDS);
    if (ranges > MAX_RANGES || (key_words != 4 && key_words != 8)) fail(BAD_MAILBOX, ranges);

    /* LAUNCH_START: the guest's keys into its slot. */
    for (uint32_t w = 0; w < 8; w++) {
        KEY1(w) = w < key_words ? MAILBOX(MB_KEY1 + w) : 0;
        KEY2(w) = w < key_words ? MAILBOX(MB_KEY2 + w) : 0;
    }
    KEY_ASID = asid;
    KEY_COMMAND = 1;
    while (KEY_STATUS & 1) {
    }
    if ((KEY_STATUS >> 1) & 3) fail(KEYS_REFUSED, (KEY_STATUS >> 1) & 3);

    /* LAUNCH_UPDATE_DATA and LAUNCH_MEASURE: seal each block in place and measure it. */
    sha256_init(&digest);
    uint32_t blocks = 0;
    for (uint32_t r = 0; r < ranges; r++) {
        uint32_t start = MAILBOX(MB_RANGE0 + 2 * r), length = MAILBOX(MB_RANGE0 + 2 * r + 1);
        if ((start | length) & 15) fail(BAD_MAILBOX, start);
        for (uint32_t a = start; a < start + length; a += 16) {
            uint32_t status = window(a, asid, 0, 0);
            if (status) fail(BLOCK_REFUSED, a);
            uint8_t bytes[16];
            for (int w = 0; w < 4; w++) {
                uint32_t word = WINDOW_DATA(w);
                for (int k = 0; k < 4; k++) bytes[4 * w + k] = (uint8_t)(word >> (8 * k));
            }
            sha256_update(&digest, bytes, 16);
            status = window(a, asid, 1, 1);
            if (status) fail(BLOCK_REFUSED, a);
            blocks++;
        }
    }
    sha256_final(&digest);
    REPORT = LAUNCHED;
    for (int i = 0; i < 8; i++) REPORT = digest.state[i];
    REPORT = blocks;

    /* ACTIVATE: the cpu runs the guest under its ASID. */
    CPU_ASID = asid;
    CPU_ENTRY = entry;
    CPU_RUN = 1;
    halt();
    return 0;
}
