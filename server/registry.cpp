// The broker's registry: online users and the index of their shared files.
#include "server/registry.h"

#include <algorithm>
#include <cctype>

#include "common/hex.h"

namespace peerlink {

bool Registry::contains(std::string_view name) const { return users_.find(name) != users_.end(); }

const User* Registry::find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : &it->second;
}

bool Registry::add(User user) {
  if (contains(user.name)) return false;
  std::string name = user.name;
  auto [it, inserted] = users_.emplace(name, std::move(user));
  index_files(it->second);
  return inserted;
}

void Registry::remove(std::string_view name) {
  auto it = users_.find(name);
  if (it == users_.end()) return;
  unindex_files(it->second);
  users_.erase(it);
}

void Registry::set_files(std::string_view name, std::vector<SharedFile> files) {
  auto it = users_.find(name);
  if (it == users_.end()) return;
  unindex_files(it->second);
  it->second.files.clear();
  for (auto& f : files) {
    std::string key = f.name;
    it->second.files[key] = std::move(f);
  }
  index_files(it->second);
}

void Registry::index_files(const User& u) {
  for (const auto& [fname, f] : u.files) {
    by_name_[fname].insert(u.name);
    by_hash_[f.sha256].insert({u.name, fname});
  }
}

void Registry::unindex_files(const User& u) {
  for (const auto& [fname, f] : u.files) {
    auto n = by_name_.find(fname);
    if (n != by_name_.end()) {
      n->second.erase(u.name);
      if (n->second.empty()) by_name_.erase(n);
    }
    auto h = by_hash_.find(f.sha256);
    if (h != by_hash_.end()) {
      h->second.erase({u.name, fname});
      if (h->second.empty()) by_hash_.erase(h);
    }
  }
}

std::vector<Registry::FileRef> Registry::all_files(size_t limit) const {
  std::vector<FileRef> out;
  for (const auto& [uname, u] : users_) {
    for (const auto& [fname, f] : u.files) {
      if (out.size() >= limit) return out;
      out.push_back({&u, &f});
    }
  }
  return out;
}

static bool contains_ci(std::string_view hay, std::string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

std::vector<Registry::FileRef> Registry::search(std::string_view needle, size_t limit) const {
  std::vector<FileRef> out;
  for (const auto& [uname, u] : users_) {
    for (const auto& [fname, f] : u.files) {
      if (out.size() >= limit) return out;
      if (contains_ci(fname, needle)) out.push_back({&u, &f});
    }
  }
  return out;
}

std::vector<Registry::FileRef> Registry::who_has(std::string_view key, size_t limit) const {
  std::vector<FileRef> out;
  auto add = [&](const std::string& owner, const std::string& fname) {
    const User* u = find(owner);
    if (u == nullptr || out.size() >= limit) return;
    auto f = u->files.find(fname);
    if (f != u->files.end()) out.push_back({u, &f->second});
  };
  if (std::string hash; parse_sha256_hex(key, &hash)) {
    auto h = by_hash_.find(hash);
    if (h != by_hash_.end()) {
      for (const auto& [owner, fname] : h->second) add(owner, fname);
    }
    return out;
  }
  auto n = by_name_.find(std::string(key));
  if (n != by_name_.end()) {
    for (const auto& owner : n->second) add(owner, std::string(key));
  }
  return out;
}

}  // namespace peerlink
