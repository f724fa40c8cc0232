/* A hash index over an array the caller keeps: the slots hold positions in
 * that array, so lookups by name cost one probe or two instead of a walk
 * over every element (thousands of variables or functions, tens of
 * thousands of entries, from a file anyone may write). */
#ifndef KL_STRHASH_H
#define KL_STRHASH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t str_hash(const char *s, size_t n);

struct strhash {
	uint32_t *slot; /* position + 1; 0 empty; UINT32_MAX removed */
	uint64_t *hash; /* the hash of the element in each slot */
	size_t cap, used, removed;
};

/* The position of the element whose hash is h and for which same(ctx, pos)
 * is true, or SIZE_MAX. */
size_t sh_find(const struct strhash *t, uint64_t h, bool (*same)(void *ctx, size_t pos),
	       void *ctx);
/* Records that the element at pos has hash h (not there yet). */
void sh_add(struct strhash *t, uint64_t h, size_t pos);
/* The element at pos (hash h) is gone, or moved to newpos (SIZE_MAX: gone). */
void sh_move(struct strhash *t, uint64_t h, size_t pos, size_t newpos);
void sh_free(struct strhash *t);

#endif
