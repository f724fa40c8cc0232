#include "strhash.h"

#include <stdlib.h>
#include "util.h"

#define REMOVED UINT32_MAX

uint64_t str_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

size_t sh_find(const struct strhash *t, uint64_t h, bool (*same)(void *ctx, size_t pos),
	       void *ctx)
{
	if (!t->cap)
		return SIZE_MAX;
	for (size_t k = (size_t)h & (t->cap - 1);; k = (k + 1) & (t->cap - 1)) {
		uint32_t s = t->slot[k];
		if (!s)
			return SIZE_MAX;
		if (s != REMOVED && t->hash[k] == h && same(ctx, s - 1))
			return s - 1;
	}
}

static void put(struct strhash *t, uint64_t h, size_t pos)
{
	size_t k = (size_t)h & (t->cap - 1);
	while (t->slot[k] && t->slot[k] != REMOVED)
		k = (k + 1) & (t->cap - 1);
	if (t->slot[k] == REMOVED)
		t->removed--;
	t->slot[k] = (uint32_t)pos + 1;
	t->hash[k] = h;
	t->used++;
}

/* Doubles the table when half full, or rebuilds it when removals clog it. */
static void room(struct strhash *t)
{
	if (t->cap && (t->used + t->removed + 1) * 2 <= t->cap)
		return;
	struct strhash old = *t;
	t->cap = old.cap ? ((old.used + 1) * 4 > old.cap ? old.cap * 2 : old.cap) : 16;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	t->hash = xmalloc(t->cap * sizeof(*t->hash));
	t->used = t->removed = 0;
	for (size_t k = 0; k < old.cap; k++)
		if (old.slot[k] && old.slot[k] != REMOVED)
			put(t, old.hash[k], old.slot[k] - 1);
	free(old.slot);
	free(old.hash);
}

void sh_add(struct strhash *t, uint64_t h, size_t pos)
{
	room(t);
	put(t, h, pos);
}

void sh_move(struct strhash *t, uint64_t h, size_t pos, size_t newpos)
{
	for (size_t k = (size_t)h & (t->cap - 1); t->cap && t->slot[k]; k = (k + 1) & (t->cap - 1))
		if (t->slot[k] == pos + 1 && t->hash[k] == h) {
			if (newpos == SIZE_MAX) {
				t->slot[k] = REMOVED;
				t->used--;
				t->removed++;
			} else {
				t->slot[k] = (uint32_t)newpos + 1;
			}
			return;
		}
}

void sh_free(struct strhash *t)
{
	free(t->slot);
	free(t->hash);
	*t = (struct strhash){0};
}
