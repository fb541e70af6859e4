// A shared mutex that lets a waiting writer in before new readers: the
// POSIX read-write lock, with glibc's writer preference set. Readers that
// never stop coming (io threads reading product pages) would otherwise
// keep the writer, and the CAF worker it runs on, waiting. A writer first
// tries for a few microseconds without waiting, as a waiting writer turns
// new readers away until the last reader has left and the writer's thread
// has woken, a context switch later. Meets the SharedMutex requirements, so
// std::shared_lock and std::unique_lock take it.
#pragma once

#include <pthread.h>

#include <chrono>
#include <system_error>
#include <thread>

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

  /// Tries for up to `try_for` without waiting, yielding the core between
  /// tries (to a reader it may have preempted), then waits.
  void lock() {
    auto until = std::chrono::steady_clock::now() + try_for;
    do {
      if (pthread_rwlock_trywrlock(&lock_) == 0)
        return;
      std::this_thread::yield();
    } while (std::chrono::steady_clock::now() < until);
    pthread_rwlock_wrlock(&lock_);
  }

  bool try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
  void unlock() { pthread_rwlock_unlock(&lock_); }

  /// Waits while a writer holds the lock or waits for it.
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  /// Fails while a writer holds the lock or waits for it.
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

  /// A reader holds the lock for a lookup: well under a microsecond, unless
  /// its thread is preempted; then the writer waits.
  static constexpr std::chrono::microseconds try_for{50};

private:
  pthread_rwlock_t lock_;
};

} // namespace doorbuster::actors::detail
