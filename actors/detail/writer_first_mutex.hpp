// A shared mutex that lets a waiting writer in before new readers: the
// POSIX read-write lock, with glibc's writer preference set. Readers that
// never stop coming (io threads reading product pages) would otherwise
// keep the writer, and the CAF worker it runs on, waiting. Meets the
// SharedMutex requirements, so std::shared_lock and std::unique_lock take it.
#pragma once

#include <pthread.h>

#include <system_error>

namespace doorbuster::actors::detail {

class writer_first_mutex {
public:
  writer_first_mutex() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr,
                                  PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    int err = pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
    if (err != 0)
      throw std::system_error{err, std::generic_category(),
                              "pthread_rwlock_init"};
  }
  ~writer_first_mutex() { pthread_rwlock_destroy(&lock_); }

  writer_first_mutex(const writer_first_mutex&) = delete;
  writer_first_mutex& operator=(const writer_first_mutex&) = delete;

  void lock() { pthread_rwlock_wrlock(&lock_); }
  bool try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
  void unlock() { pthread_rwlock_unlock(&lock_); }

  /// Waits while a writer holds the lock or waits for it.
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  /// Fails while a writer holds the lock or waits for it.
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

private:
  pthread_rwlock_t lock_;
};

} // namespace doorbuster::actors::detail
