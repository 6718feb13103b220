/* work_list.h: an intrusive FIFO of work items, linked through
 * work->next/prev. The kernel keeps its submit and completion queues in these;
 * a device may keep the items LIVE at it in its own. O(1) push, pop, remove. */
#ifndef REALMOS_WORK_LIST_H
#define REALMOS_WORK_LIST_H

#include "kapi.h"

typedef struct {
  kwork_t *head, *tail;
} kwork_list_t;

static inline bool kwork_list_empty(const kwork_list_t *l) {
  return l->head == NULL;
}

static inline void kwork_list_push(kwork_list_t *l, kwork_t *w) {
  w->next = NULL;
  w->prev = l->tail;
  if (l->tail)
    l->tail->next = w;
  else
    l->head = w;
  l->tail = w;
}

static inline void kwork_list_remove(kwork_list_t *l, kwork_t *w) {
  if (w->prev)
    w->prev->next = w->next;
  else
    l->head = w->next;
  if (w->next)
    w->next->prev = w->prev;
  else
    l->tail = w->prev;
  w->next = w->prev = NULL;
}

/* Remove w if it is on l (a linear search); true if it was. */
static inline bool kwork_list_take(kwork_list_t *l, kwork_t *w) {
  for (kwork_t *x = l->head; x; x = x->next) {
    if (x == w) {
      kwork_list_remove(l, w);
      return true;
    }
  }
  return false;
}

static inline kwork_t *kwork_list_pop(kwork_list_t *l) {
  kwork_t *w = l->head;
  if (w)
    kwork_list_remove(l, w);
  return w;
}

#endif
