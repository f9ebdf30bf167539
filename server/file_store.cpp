// The broker's store of shared files (server/file_store.h).
#include "server/file_store.h"

#include <algorithm>

#include "common/base/hex.h"

namespace peerlink::broker {

std::string Digest::hex() const { return to_hex(bytes.data(), bytes.size()); }

uint32_t FileStore::new_file() {
  if (!free_files_.empty()) {
    uint32_t id = free_files_.back();
    free_files_.pop_back();
    files_[id] = File();
    return id;
  }
  files_.emplace_back();
  return static_cast<uint32_t>(files_.size() - 1);
}

uint32_t FileStore::add_set(const User* owner, FileMap files) {
  uint32_t id;
  if (!free_sets_.empty()) {
    id = free_sets_.back();
    free_sets_.pop_back();
  } else {
    sets_.emplace_back();
    id = static_cast<uint32_t>(sets_.size() - 1);
  }
  Set& s = sets_[id];
  s.owner = owner;
  s.files.clear();
  s.files.reserve(files.size());
  s.waiting = std::move(files);
  return id;
}

// Inserts `file` before `head` in a circular list threaded through prev/next members.
template <class Prev, class Next>
static void insert_before(std::vector<FileStore::File>& files, uint32_t* head, uint32_t file,
                          Prev prev, Next next) {
  if (*head == kNoId) {
    files[file].*prev = file;
    files[file].*next = file;
    *head = file;
    return;
  }
  uint32_t last = files[*head].*prev;
  files[file].*prev = last;
  files[file].*next = *head;
  files[last].*next = file;
  files[*head].*prev = file;
}

template <class Prev, class Next>
static void remove_from(std::vector<FileStore::File>& files, uint32_t* head, uint32_t file,
                        Prev prev, Next next) {
  uint32_t p = files[file].*prev, n = files[file].*next;
  if (p == kNoId) return;  // not in the list
  if (n == file) {
    *head = kNoId;
  } else {
    files[p].*next = n;
    files[n].*prev = p;
    if (*head == file) *head = n;
  }
  files[file].*prev = kNoId;
  files[file].*next = kNoId;
}

void FileStore::link(uint32_t file) {
  if (files_[file].name_prev != kNoId) return;  // already
  insert_before(files_, &names_.head(files_[file].name), file, &File::name_prev, &File::name_next);
  insert_before(files_, &digests_.head(files_[file].digest), file, &File::digest_prev,
                &File::digest_next);
}

void FileStore::unlink(uint32_t file) {
  remove_from(files_, &names_.head(files_[file].name), file, &File::name_prev, &File::name_next);
  remove_from(files_, &digests_.head(files_[file].digest), file, &File::digest_prev,
              &File::digest_next);
}

void FileStore::free_file(uint32_t file) {
  unlink(file);
  names_.release(files_[file].name);
  digests_.release(files_[file].digest);
  files_[file] = File();
  free_files_.push_back(file);
}

bool FileStore::index_some(uint32_t set, size_t* cursor, size_t max_files) {
  Set& s = sets_[set];
  for (size_t n = 0; !s.waiting.empty() && n < max_files; ++*cursor, ++n) {
    const SharedFile& f = s.waiting.begin()->second;  // a map: in name order
    std::string raw;
    if (!from_hex(f.sha256, &raw) || raw.size() != 32) raw.assign(32, '\0');
    uint32_t file = new_file();
    File& rec = files_[file];
    rec.size = f.size;
    rec.name = names_.intern(f.name);
    rec.digest = digests_.intern(raw);
    rec.set = set;
    s.files.push_back(file);
    link(file);
    s.waiting.erase(s.waiting.begin());
  }
  if (s.waiting.empty()) s.waiting = FileMap();
  return s.waiting.empty();
}

void FileStore::retire(uint32_t set) {
  sets_[set].owner = nullptr;
  garbage_ += sets_[set].files.size() + sets_[set].waiting.size();
  graveyard_.push_back(set);
}

size_t FileStore::collect(size_t max_files) {
  size_t done = 0;
  while (done < max_files && !graveyard_.empty()) {
    uint32_t set = graveyard_.front();
    std::vector<uint32_t>& fs = sets_[set].files;
    FileMap& waiting = sets_[set].waiting;
    while (done < max_files && !waiting.empty()) {
      waiting.erase(waiting.begin());
      ++done;
    }
    while (done < max_files && !fs.empty()) {
      free_file(fs.back());
      fs.pop_back();
      ++done;
    }
    if (!fs.empty() || !waiting.empty()) break;
    fs = std::vector<uint32_t>();  // its memory goes back
    free_sets_.push_back(set);
    graveyard_.pop_front();
  }
  garbage_ -= std::min(garbage_, done);
  return done;
}

FileInfo FileStore::info(uint32_t file) const {
  const File& f = files_[file];
  return FileInfo{&names_.key(f.name), f.size, &digests_.key(f.digest)};
}

size_t FileStore::upper_bound(uint32_t set, std::string_view name) const {
  const std::vector<uint32_t>& fs = sets_[set].files;
  auto it = std::upper_bound(fs.begin(), fs.end(), name, [&](std::string_view n, uint32_t f) {
    return n < std::string_view(names_.key(files_[f].name));
  });
  return static_cast<size_t>(it - fs.begin());
}

size_t FileStore::find(uint32_t set, std::string_view name) const {
  const std::vector<uint32_t>& fs = sets_[set].files;
  auto it = std::lower_bound(fs.begin(), fs.end(), name, [&](uint32_t f, std::string_view n) {
    return std::string_view(names_.key(files_[f].name)) < n;
  });
  if (it == fs.end() || names_.key(files_[*it].name) != name) return SIZE_MAX;
  return static_cast<size_t>(it - fs.begin());
}

std::vector<FileStore::Hit> FileStore::sample(uint32_t* head, bool by_name, size_t limit,
                                              const User* except) {
  std::vector<Hit> out;
  if (*head == kNoId || limit == 0) return out;
  const uint32_t start = *head;
  uint32_t f = start, last = kNoId;
  for (size_t walked = 0; walked < kMaxWalk && out.size() < limit; ++walked) {
    const File& rec = files_[f];
    const User* owner = sets_[rec.set].owner;
    if (owner != nullptr && owner != except) {
      out.push_back({owner, info(f)});
      last = f;
    }
    f = by_name ? rec.name_next : rec.digest_next;
    if (f == start) break;
  }
  // The next lookup starts after the last file returned: over repeated lookups every owner
  // gets its turn.
  if (last != kNoId) *head = by_name ? files_[last].name_next : files_[last].digest_next;
  return out;
}

std::vector<FileStore::Hit> FileStore::sample_by_name(std::string_view name, size_t limit,
                                                      const User* except) {
  uint32_t id = names_.find(name);
  if (id == kNoId) return {};
  return sample(&names_.head(id), true, limit, except);
}

std::vector<FileStore::Hit> FileStore::sample_by_digest(const Digest& d, size_t limit,
                                                        const User* except) {
  uint32_t id = digests_.find(d);
  if (id == kNoId) return {};
  return sample(&digests_.head(id), false, limit, except);
}

}  // namespace peerlink::broker
