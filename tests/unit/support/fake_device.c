/* fake_device.c: see fake_device.h. */
#include "fake_device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fake_device_t *of(kdevice_t *dev) {
  return KCONTAINER_OF(dev, fake_device_t, dev);
}

static void log_work(kwork_t **log, size_t *n, kwork_t *w) {
  if (*n < FAKE_DEV_LOG)
    log[*n] = w;
  (*n)++;
}

static void hold(fake_device_t *fd, kwork_t *w) {
  if (fd->nheld >= FAKE_DEV_LOG) {
    fprintf(stderr, "fake device %s: holds too many items\n", fd->dev.name);
    abort();
  }
  fd->held[fd->nheld++] = w;
}

static void let_go(fake_device_t *fd, const kwork_t *w) {
  for (size_t i = 0; i < fd->nheld; i++) {
    if (fd->held[i] == w) {
      memmove(&fd->held[i], &fd->held[i + 1],
              (fd->nheld - i - 1) * sizeof(fd->held[0]));
      fd->nheld--;
      return;
    }
  }
}

static kerr_t fake_submit(kdevice_t *dev, kwork_t *w) {
  fake_device_t *fd = of(dev);
  log_work(fd->submits, &fd->nsubmits, w);
  if (fd->submit_error != KERR_OK)
    return fd->submit_error;
  if (fd->complete_in_submit) {
    kdev_complete(dev, w, fd->complete_in_submit_result);
    return KERR_OK;
  }
  hold(fd, w);
  return KERR_OK;
}

static kerr_t fake_cancel(kdevice_t *dev, kwork_t *w) {
  fake_device_t *fd = of(dev);
  log_work(fd->cancels, &fd->ncancels, w);
  switch (fd->cancel_mode) {
  case FAKE_CANCEL_FORGET:
    let_go(fd, w);
    return KERR_OK;
  case FAKE_CANCEL_COMPLETE_NOW:
    let_go(fd, w);
    kdev_complete(dev, w, KERR_CANCELLED);
    return KERR_BUSY;
  case FAKE_CANCEL_IN_FLIGHT:
  default:
    return KERR_BUSY;
  }
}

static void fake_poll(kdevice_t *dev) {
  fake_device_t *fd = of(dev);
  fd->polls++;
  /* Take the batch first: a completion's side effects may queue more. */
  fake_completion_t batch[FAKE_DEV_LOG];
  size_t n = fd->nlater;
  memcpy(batch, fd->later, n * sizeof(batch[0]));
  fd->nlater = 0;
  for (size_t i = 0; i < n; i++)
    fake_device_complete(fd, batch[i].work, batch[i].result);
}

static void fake_kick(kdevice_t *dev) { of(dev)->kicks++; }

static kerr_t fake_release(kdevice_t *dev, uint32_t index) {
  fake_device_t *fd = of(dev);
  if (fd->nreleases < FAKE_DEV_LOG)
    fd->releases[fd->nreleases] = index;
  fd->nreleases++;
  return fd->release_result;
}

static const kdevice_ops_t fake_ops = {
    .submit = fake_submit,
    .cancel = fake_cancel,
    .poll = fake_poll,
    .kick = fake_kick,
};

static const kdevice_ops_t fake_ops_with_release = {
    .submit = fake_submit,
    .cancel = fake_cancel,
    .poll = fake_poll,
    .kick = fake_kick,
    .release = fake_release,
};

void fake_device_init(fake_device_t *fd, kdev_class_t cls, const char *name,
                      bool with_release) {
  memset(fd, 0, sizeof(*fd));
  fd->dev.ops = with_release ? &fake_ops_with_release : &fake_ops;
  fd->dev.name = name;
  fd->dev.cls = cls;
  fd->cancel_mode = FAKE_CANCEL_FORGET;
  fd->submit_error = KERR_OK;
  fd->release_result = KERR_OK;
  if (cls == KDEV_BLOCK) {
    fd->dev.info.blk.sectors = 1024;
    fd->dev.info.blk.block_size = 512;
    fd->dev.info.blk.read_only = false;
  } else if (cls == KDEV_NET) {
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    memcpy(fd->dev.info.net.mac, mac, sizeof(mac));
    fd->dev.info.net.mtu = 1500;
  }
}

void fake_device_complete(fake_device_t *fd, kwork_t *w, kerr_t result) {
  let_go(fd, w);
  kdev_complete(&fd->dev, w, result);
}

void fake_device_complete_later(fake_device_t *fd, kwork_t *w, kerr_t result) {
  if (fd->nlater >= FAKE_DEV_LOG) {
    fprintf(stderr, "fake device %s: too many completions\n", fd->dev.name);
    abort();
  }
  fd->later[fd->nlater++] = (fake_completion_t){.work = w, .result = result};
  kdev_raise(&fd->dev);
}

bool fake_device_holds(const fake_device_t *fd, const kwork_t *w) {
  for (size_t i = 0; i < fd->nheld; i++)
    if (fd->held[i] == w)
      return true;
  return false;
}

static size_t count(kwork_t *const *log, size_t n, const kwork_t *w) {
  size_t c = 0;
  for (size_t i = 0; i < n && i < FAKE_DEV_LOG; i++)
    c += log[i] == w;
  return c;
}

size_t fake_device_times_submitted(const fake_device_t *fd, const kwork_t *w) {
  return count(fd->submits, fd->nsubmits, w);
}

size_t fake_device_times_cancelled(const fake_device_t *fd, const kwork_t *w) {
  return count(fd->cancels, fd->ncancels, w);
}
