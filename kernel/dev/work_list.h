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

/* The kernel's own queues (submitted, done): a ring through a sentinel, so
 * push, pop and remove test nothing. kwork_queue_init before use. */
typedef struct {
  kwork_t s; /* the sentinel: only next (the first item) and prev (the last) */
} kwork_queue_t;

static inline void kwork_queue_init(kwork_queue_t *q) {
  q->s.next = q->s.prev = &q->s;
}

static inline bool kwork_queue_empty(const kwork_queue_t *q) {
  return q->s.next == &q->s;
}

static inline void kwork_queue_push(kwork_queue_t *q, kwork_t *w) {
  kwork_t *last = q->s.prev;
  w->next = &q->s;
  w->prev = last;
  last->next = w;
  q->s.prev = w;
}

/* w must be on a queue. Leaves w's links as they were. */
static inline void kwork_queue_remove(kwork_t *w) {
  w->prev->next = w->next;
  w->next->prev = w->prev;
}

/* The first item, off the queue; q must not be empty. */
static inline kwork_t *kwork_queue_pop(kwork_queue_t *q) {
  kwork_t *w = q->s.next;
  kwork_t *next = w->next;
  q->s.next = next;
  next->prev = &q->s;
  return w;
}

/* Every item, as a chain linked through next and ending in NULL (or NULL
 * for none); the queue is left empty. */
static inline kwork_t *kwork_queue_take_all(kwork_queue_t *q) {
  kwork_t *first = q->s.next;
  if (first == &q->s)
    return NULL;
  q->s.prev->next = NULL;
  kwork_queue_init(q);
  return first;
}

#endif
