/* fake_device.h: a device the unit tests drive by hand.
 *
 * It serves any class (KDEV_RNG, KDEV_BLOCK, KDEV_NET, KDEV_IP). It records
 * every submit, cancel, poll, kick and release in order, and holds the items
 * it accepted until the test completes them:
 *
 *   fake_device_complete(fd, w, r)        kdev_complete now
 *   fake_device_complete_later(fd, w, r)  on the next poll (raises the device)
 *
 * Behaviour knobs (fields, change them at any time):
 *   cancel_mode      FAKE_CANCEL_FORGET: cancel returns KERR_OK and forgets
 *                    the item; FAKE_CANCEL_IN_FLIGHT: returns KERR_BUSY and
 *                    keeps it (the test completes it later, with
 *                    KERR_CANCELLED or, to model a race, with KERR_OK);
 *                    FAKE_CANCEL_COMPLETE_NOW: completes it with
 *                    KERR_CANCELLED inside cancel and returns KERR_BUSY.
 *   submit_error     submit returns this without keeping the item (KERR_OK:
 *                    accept it).
 *   complete_in_submit, complete_in_submit_result
 *                    accept and complete the item inside submit.
 *   release_result   what the release op returns (when the device has one).
 */
#ifndef REALMOS_TEST_FAKE_DEVICE_H
#define REALMOS_TEST_FAKE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"

#define FAKE_DEV_LOG 1024

typedef enum {
  FAKE_CANCEL_FORGET = 0,
  FAKE_CANCEL_IN_FLIGHT,
  FAKE_CANCEL_COMPLETE_NOW,
} fake_cancel_mode_t;

typedef struct {
  kwork_t *work;
  kerr_t result;
} fake_completion_t;

typedef struct {
  kdevice_t dev;

  /* Behaviour. */
  fake_cancel_mode_t cancel_mode;
  kerr_t submit_error;
  bool complete_in_submit;
  kerr_t complete_in_submit_result;
  kerr_t release_result;

  /* Records (the logs keep the first FAKE_DEV_LOG entries; the counts go
   * on). */
  kwork_t *submits[FAKE_DEV_LOG];
  size_t nsubmits;
  kwork_t *cancels[FAKE_DEV_LOG];
  size_t ncancels;
  uint32_t releases[FAKE_DEV_LOG];
  size_t nreleases;
  unsigned polls;
  unsigned kicks;

  /* Items accepted and not yet completed or forgotten. */
  kwork_t *held[FAKE_DEV_LOG];
  size_t nheld;
  /* Completions waiting for the next poll. */
  fake_completion_t later[FAKE_DEV_LOG];
  size_t nlater;
} fake_device_t;

/* Set up a device of class `cls`, with a release op or without one. Forgets
 * all records and resets the knobs to: forget on cancel, accept on submit,
 * release returns KERR_OK. Block devices get 1024 sectors of 512 bytes,
 * writable; network devices a MAC and an MTU of 1500. */
void fake_device_init(fake_device_t *fd, kdev_class_t cls, const char *name,
                      bool with_release);

/* Complete `w` now with kdev_complete (whether or not the device holds it, so
 * a test can also complete items that are not live). */
void fake_device_complete(fake_device_t *fd, kwork_t *w, kerr_t result);
/* Complete `w` on the device's next poll, and raise it. */
void fake_device_complete_later(fake_device_t *fd, kwork_t *w, kerr_t result);

/* Queries. */
bool fake_device_holds(const fake_device_t *fd, const kwork_t *w);
size_t fake_device_times_submitted(const fake_device_t *fd, const kwork_t *w);
size_t fake_device_times_cancelled(const fake_device_t *fd, const kwork_t *w);

#endif
