// population/chunk_pipeline.h — internal to the population module: rows
// generated in chunks on worker threads and consumed in row order on the
// calling thread, so that a file is the same for any thread count.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"

namespace credo::population {

// Chunk c is filled by worker c % threads into slot c % slots; a worker waits
// until the consumer has emptied its slot. `Chunk` is default-constructible
// and reused from chunk to chunk (the fill function clears it).
template <class Chunk>
class ChunkPipeline {
 public:
  // Fills `chunk` with rows [first_row, first_row + rows), on a worker thread.
  using Fill = std::function<void(int64_t first_row, int64_t rows, Chunk* chunk)>;

  // `rows` in chunks of `rows_per_chunk`, filled by `threads` workers.
  ChunkPipeline(int64_t rows, int64_t rows_per_chunk, int threads, Fill fill)
      : rows_(rows),
        rows_per_chunk_(rows_per_chunk),
        threads_(threads),
        chunks_((rows + rows_per_chunk - 1) / rows_per_chunk),
        fill_(std::move(fill)),
        slots_(2 * threads) {}

  ~ChunkPipeline() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    changed_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }

  // Starts the workers and hands every chunk, in order, to
  // `consume(chunk, first_row, rows)`; stops at the first error.
  // `progress`, if set, is called with the rows consumed after each chunk
  // (and once with 0 when there are none).
  Status Run(const std::function<Status(const Chunk& chunk, int64_t first_row, int64_t rows)>& consume,
             const std::function<void(int64_t rows_done)>& progress) {
    for (int w = 0; w < threads_; ++w) workers_.emplace_back([this, w] { Work(w); });
    int64_t rows_done = 0;
    for (int64_t chunk = 0; chunk < chunks_; ++chunk) {
      CREDO_RETURN_IF_ERROR(consume(Await(chunk), chunk * rows_per_chunk_, RowsIn(chunk)));
      Release(chunk);
      rows_done += RowsIn(chunk);
      if (progress) progress(rows_done);
    }
    if (progress && rows_done == 0) progress(0);
    return Status::Ok();
  }

 private:
  struct Slot {
    Chunk chunk;
    int64_t number = -1;  // the chunk the slot holds, once complete
  };

  int64_t RowsIn(int64_t chunk) const { return std::min(rows_per_chunk_, rows_ - chunk * rows_per_chunk_); }

  const Chunk& Await(int64_t chunk) {
    Slot& slot = slots_[chunk % slots_.size()];
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return slot.number == chunk; });
    return slot.chunk;
  }

  void Release(int64_t chunk) {
    {
      std::lock_guard lock(mutex_);
      consumed_chunks_ = chunk + 1;
    }
    changed_.notify_all();
  }

  void Work(int worker) {
    const int64_t slot_count = static_cast<int64_t>(slots_.size());
    for (int64_t chunk = worker; chunk < chunks_; chunk += threads_) {
      Slot& slot = slots_[chunk % slot_count];
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopped_ || consumed_chunks_ > chunk - slot_count; });
        if (stopped_) return;
      }
      // The slot is this worker's alone until it publishes the chunk number.
      fill_(chunk * rows_per_chunk_, RowsIn(chunk), &slot.chunk);
      {
        std::lock_guard lock(mutex_);
        slot.number = chunk;
      }
      changed_.notify_all();
    }
  }

  const int64_t rows_;
  const int64_t rows_per_chunk_;
  const int threads_;
  const int64_t chunks_;
  const Fill fill_;
  std::vector<Slot> slots_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int64_t consumed_chunks_ = 0;
  bool stopped_ = false;
};

}  // namespace credo::population
