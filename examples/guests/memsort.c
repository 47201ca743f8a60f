/* memsort: fills an array in private memory with a xorshift32 sequence (seed 0x2545f491),
   sorts it with heapsort, checks the order, and leaves the count and a position-weighted
   checksum (sum of (i + 1) * a[i] modulo 2^32 over the sorted array) in a shared page, in
   plaintext for the host to read. Exits 0 when sorted, 1 otherwise. */
#include "guest.h"

#define WORDS 256
#define RESULT_MAGIC 0x54524f53u /* "SORT" */

static uint32_t array[WORDS];

struct result {
    uint32_t magic, words, checksum, smallest, largest;
};
SHARED volatile struct result memsort_result = {0, 0, 0, 0, 0};

static void sift_down(uint32_t *a, int root, int end) {
    while (2 * root + 1 < end) {
        int child = 2 * root + 1;
        if (child + 1 < end && a[child] < a[child + 1]) child++;
        if (a[root] >= a[child]) return;
        uint32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

int main(void) {
    uint32_t x = 0x2545f491u;
    for (int i = 0; i < WORDS; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        array[i] = x;
    }
    for (int i = WORDS / 2 - 1; i >= 0; i--) sift_down(array, i, WORDS);
    for (int end = WORDS - 1; end > 0; end--) {
        uint32_t t = array[0];
        array[0] = array[end];
        array[end] = t;
        sift_down(array, 0, end);
    }
    uint32_t checksum = 0;
    int sorted = 1;
    for (int i = 0; i < WORDS; i++) {
        checksum += (uint32_t)(i + 1) * array[i];
        if (i > 0 && array[i - 1] > array[i]) sorted = 0;
    }
    memsort_result.words = WORDS;
    memsort_result.checksum = checksum;
    memsort_result.smallest = array[0];
    memsort_result.largest = array[WORDS - 1];
    memsort_result.magic = RESULT_MAGIC;
    guest_puts(sorted ? "memsort: sorted " : "memsort: NOT sorted ");
    guest_put_dec(WORDS);
    guest_puts(" words, checksum ");
    guest_put_hex(checksum);
    guest_putc('\n');
    return sorted ? 0 : 1;
}
