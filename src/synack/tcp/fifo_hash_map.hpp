#pragma once
// A hash map that keeps its entries in the order they were last put at the back, with no heap
// node per entry: TIME_WAIT's table (time_wait.hpp), where every entry lives a fixed 2 * MSL
// from its last (re)start, so "oldest first" is "soonest to expire first".
//
// Layout:
// - Records (key, value) sit in a FIFO of fixed-size chunks, in order. Moving an entry to the
//   back copies it to the tail and leaves a hole; holes are skipped when they reach the front,
//   and the FIFO is compacted when there are more holes than entries, so memory stays bounded
//   even when a peer restarts one entry over and over.
// - An open-addressing index finds a record: linear probing over a power-of-two array of
//   8-byte buckets (the record's position and 31 bits of its hash), load at most 0.8, deletion by
//   backward shift (Knuth, TAOCP vol. 3, algorithm 6.4R) so there are no tombstones. Growing and
//   shrinking reuse the hash bits kept in the buckets: keys are hashed once.
// The hash function is the caller's; for anything an attacker chooses it must be keyed (SipHash)
// or linear probing degrades to a list scan.
//
// Cost per entry: sizeof(Record) + 8 bytes / load (0.4 to 0.8 between resizes) + 1 bit, plus at
// most two partly used chunks per map.
#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <memory>
#include <vector>

namespace synack {

template <typename Key, typename Value, typename Hash>
class FifoHashMap {
 public:
  struct Record {
    Key key;
    Value value;
  };
  static constexpr std::size_t kChunkRecords = 256;
  static constexpr std::size_t kMinBuckets = 16;

  explicit FifoHashMap(Hash hash = {}) : hash_(std::move(hash)) {}

  std::size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  Value* find(const Key& key) {
    const std::size_t b = find_bucket(key, tag_of(key));
    return b == kNoBucket ? nullptr : &record_at(buckets_[b].position).value;
  }
  const Value* find(const Key& key) const { return const_cast<FifoHashMap*>(this)->find(key); }
  bool contains(const Key& key) const { return find(key) != nullptr; }

  // Puts `key` at the back with `value`; an entry already there is replaced (and moved to the
  // back). Returns the stored value, valid until the next change to the map.
  Value& push_back(const Key& key, const Value& value) {
    const std::uint32_t tag = tag_of(key);
    if (const std::size_t b = find_bucket(key, tag); b != kNoBucket) {
      const std::uint32_t position = append(Record{key, value});
      bury(buckets_[b].position);
      buckets_[b].position = position;
      return after_holes_made(key);
    }
    if (needs_growth(live_ + 1)) resize_index(buckets_.empty() ? kMinBuckets : 2 * buckets_.size());
    place(Bucket{append(Record{key, value}), tag});
    ++live_;
    return record_at(tail_ - 1).value;
  }

  // Moves an entry to the back, keeping its value. Returns it (valid until the next change), or
  // nullptr when `key` is absent.
  Value* move_to_back(const Key& key) {
    const std::size_t b = find_bucket(key, tag_of(key));
    if (b == kNoBucket) return nullptr;
    const std::uint32_t old_position = buckets_[b].position;
    buckets_[b].position = append(Record{record_at(old_position)});
    bury(old_position);
    return &after_holes_made(key);
  }

  bool erase(const Key& key) {
    const std::size_t b = find_bucket(key, tag_of(key));
    if (b == kNoBucket) return false;
    bury(buckets_[b].position);
    remove_bucket(b);
    --live_;
    after_removal();
    return true;
  }

  // The entry put at the back longest ago. Precondition: !empty().
  const Record& front() const { return record_at(head_); }
  Value& front_value() { return record_at(head_).value; }
  void pop_front() {
    assert(!empty());
    erase(Key{record_at(head_).key});
  }

  // Calls f(key, value) on entries from the front while it returns true.
  template <typename F>
  void for_each_from_front(F f) {
    for (std::uint32_t p = head_; p != tail_; ++p) {
      if (is_hole(p)) continue;
      Record& r = record_at(p);
      if (!f(static_cast<const Key&>(r.key), r.value)) return;
    }
  }

  // Memory held, for tests and benchmarks.
  std::size_t bucket_count() const { return buckets_.size(); }
  std::size_t chunk_count() const { return chunks_.size(); }
  std::size_t hole_count() const { return holes_; }
  std::size_t allocated_bytes() const {
    return buckets_.capacity() * sizeof(Bucket) + chunks_.capacity() * sizeof(chunks_[0]) +
           chunks_.size() * sizeof(Chunk);
  }

 private:
  // position: the record's place in the FIFO, counted modulo 2^32 since the map was created.
  // tag: 31 bits of the key's hash with the top bit set; 0 marks an empty bucket.
  struct Bucket {
    std::uint32_t position = 0;
    std::uint32_t tag = 0;
  };
  struct Chunk {
    Record records[kChunkRecords];
    std::uint64_t hole_bits[kChunkRecords / 64] = {};
  };
  static constexpr std::size_t kNoBucket = SIZE_MAX;
  static constexpr std::uint32_t kTagPresent = 0x80000000u;

  std::uint32_t tag_of(const Key& key) const {
    return static_cast<std::uint32_t>(hash_(key)) | kTagPresent;
  }
  std::size_t mask() const { return buckets_.size() - 1; }
  bool needs_growth(std::size_t entries) const { return entries * 5 > buckets_.size() * 4; }

  // ---- the FIFO of records ----
  Record& record_at(std::uint32_t position) const {
    const std::uint32_t offset = position - base_;
    return chunks_[offset / kChunkRecords]->records[offset % kChunkRecords];
  }
  bool is_hole(std::uint32_t position) const {
    const std::uint32_t offset = position - base_;
    const Chunk& c = *chunks_[offset / kChunkRecords];
    return (c.hole_bits[offset % kChunkRecords / 64] >> (offset % 64)) & 1;
  }
  void set_hole(std::uint32_t position, bool hole) {
    const std::uint32_t offset = position - base_;
    std::uint64_t& word = chunks_[offset / kChunkRecords]->hole_bits[offset % kChunkRecords / 64];
    const std::uint64_t bit = std::uint64_t{1} << (offset % 64);
    word = hole ? (word | bit) : (word & ~bit);
  }
  std::uint32_t append(const Record& r) {
    if (tail_ - base_ == chunks_.size() * kChunkRecords)
      chunks_.push_back(std::make_unique<Chunk>());
    const std::uint32_t position = tail_++;
    record_at(position) = r;
    set_hole(position, false);
    return position;
  }
  void bury(std::uint32_t position) {
    set_hole(position, true);
    ++holes_;
  }
  // Holes at the front are dropped at once, so the front is always a live entry.
  void drop_front_holes() {
    while (head_ != tail_ && is_hole(head_)) {
      ++head_;
      --holes_;
    }
    release_consumed_chunks();
  }
  // Frees chunks the front has passed; the last one is kept for the next record.
  void release_consumed_chunks() {
    if (chunks_.empty()) return;
    std::size_t consumed = (head_ - base_) / kChunkRecords;
    consumed = std::min(consumed, chunks_.size() - 1);
    if (consumed == 0) return;
    chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(consumed));
    base_ += static_cast<std::uint32_t>(consumed * kChunkRecords);
  }
  Value& after_holes_made(const Key& key) {
    drop_front_holes();
    if (holes_ > live_ + kChunkRecords) compact();
    return *find(key);
  }
  void after_removal() {
    drop_front_holes();
    if (holes_ > live_ + kChunkRecords) compact();
    if (buckets_.size() > kMinBuckets && live_ * 5 < buckets_.size()) {
      resize_index(buckets_.size() / 2);
    }
  }
  // Slides live records down over the holes, in order, and indexes them afresh.
  void compact() {
    std::uint32_t write = head_;
    for (std::uint32_t read = head_; read != tail_; ++read) {
      if (is_hole(read)) continue;
      if (write != read) {
        record_at(write) = record_at(read);
        set_hole(write, false);
      }
      ++write;
    }
    tail_ = write;
    holes_ = 0;
    const std::size_t chunks_needed = (tail_ - base_ + kChunkRecords - 1) / kChunkRecords;
    chunks_.resize(std::max<std::size_t>(chunks_needed, 1));
    std::fill(buckets_.begin(), buckets_.end(), Bucket{});
    for (std::uint32_t p = head_; p != tail_; ++p) place(Bucket{p, tag_of(record_at(p).key)});
  }

  // ---- the index ----
  std::size_t find_bucket(const Key& key, std::uint32_t tag) const {
    if (buckets_.empty()) return kNoBucket;
    for (std::size_t b = tag & mask();; b = (b + 1) & mask()) {
      const Bucket& bucket = buckets_[b];
      if (bucket.tag == 0) return kNoBucket;
      if (bucket.tag == tag && record_at(bucket.position).key == key) return b;
    }
  }
  void place(Bucket entry) {
    std::size_t b = entry.tag & mask();
    while (buckets_[b].tag != 0) b = (b + 1) & mask();
    buckets_[b] = entry;
  }
  // Backward shift: later members of the probe run move into the gap when the gap lies between
  // their home bucket and where they are, so every run stays unbroken.
  void remove_bucket(std::size_t gap) {
    for (std::size_t b = (gap + 1) & mask(); buckets_[b].tag != 0; b = (b + 1) & mask()) {
      const std::size_t home = buckets_[b].tag & mask();
      if (((b - home) & mask()) >= ((b - gap) & mask())) {
        buckets_[gap] = buckets_[b];
        gap = b;
      }
    }
    buckets_[gap] = Bucket{};
  }
  void resize_index(std::size_t new_size) {
    assert(std::has_single_bit(new_size));
    std::vector<Bucket> old(new_size);
    old.swap(buckets_);
    for (const Bucket& b : old) {
      if (b.tag != 0) place(b);
    }
  }

  Hash hash_;
  std::vector<Bucket> buckets_;
  std::vector<std::unique_ptr<Chunk>> chunks_;
  std::uint32_t base_ = 0;  // position of chunks_[0]->records[0]
  std::uint32_t head_ = 0;  // oldest record (live unless head_ == tail_)
  std::uint32_t tail_ = 0;  // one past the newest record
  std::size_t live_ = 0;
  std::size_t holes_ = 0;
};

}  // namespace synack
