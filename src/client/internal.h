/*
 * client internals shared between the files of src/client and their unit tests; not for other
 * modules.
 */
#ifndef CUBE_CLIENT_INTERNAL_H
#define CUBE_CLIENT_INTERNAL_H

#include "client/client.h"

/*
 * Replaces an informer's cache with the items of a fresh list (borrowed array of objects), as
 * a relist does: objects absent from items are delivered as deletes, new ones as adds, ones
 * whose resourceVersion changed as updates; unchanged ones are not delivered. Marks the
 * informer synced. Runs on the informer's thread (tests: on theirs, with the informer not
 * started).
 */
void cube_informer_replace(cube_informer_t *inf, const json_t *items);

/* Applies one watch event ("ADDED", "MODIFIED", "DELETED") to the cache and the handlers. */
void cube_informer_apply(cube_informer_t *inf, const char *type, json_t *obj);

#endif
