#include "rootfs/tree.hpp"

#include <algorithm>
#include <utility>

namespace rootfs {

using base::ErrorCode;
using base::fail;

namespace {

constexpr int kMaxSymlinks = 40;

std::string shown(std::string_view path) {
  std::string s(path);
  if (s.empty() || s[0] != '/') s.insert(s.begin(), '/');
  return s;
}

std::string join_path(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out.push_back('/');
    out += n;
  }
  return out;
}

}  // namespace

Content Content::own(std::string data) {
  auto buf = std::make_shared<const std::string>(std::move(data));
  size_t n = buf->size();
  return slice(std::move(buf), 0, n);
}

Content Content::slice(std::shared_ptr<const std::string> buffer, size_t offset, size_t length) {
  Content c;
  c.buffer_ = std::move(buffer);
  c.offset_ = offset;
  c.length_ = length;
  return c;
}

Content Content::spilled(std::shared_ptr<const SpillFile> file, uint64_t offset, size_t length) {
  Content c;
  c.spill_ = std::move(file);
  c.offset_ = offset;
  c.length_ = length;
  return c;
}

std::optional<std::string_view> Content::memory_view() const {
  if (spill_) return std::nullopt;
  if (!buffer_) return std::string_view();
  return std::string_view(*buffer_).substr(size_t(offset_), length_);
}

base::Result<std::string> Content::read() const {
  if (auto v = memory_view()) return std::string(*v);
  std::string out(length_, '\0');
  TRY(spill_->read(offset_, out.data(), length_));
  return out;
}

base::Status Content::for_each_chunk(const std::function<base::Status(std::string_view)>& fn, size_t chunk) const {
  if (auto v = memory_view()) return v->empty() ? base::ok() : fn(*v);
  std::string buf(std::min(chunk, length_), '\0');
  for (uint64_t done = 0; done < length_;) {
    size_t n = size_t(std::min<uint64_t>(buf.size(), length_ - done));
    TRY(spill_->read(offset_ + done, buf.data(), n));
    TRY(fn(std::string_view(buf.data(), n)));
    done += n;
  }
  return base::ok();
}

base::Result<bool> Content::same_bytes(const Content& other) const {
  if (length_ != other.length_) return false;
  if (length_ == 0) return true;
  if (spill_ == other.spill_ && buffer_ == other.buffer_ && offset_ == other.offset_) return true;
  if (auto v = other.memory_view()) return same_bytes(*v);
  TRY_ASSIGN(std::string bytes, other.read());
  return same_bytes(bytes);
}

base::Result<bool> Content::same_bytes(std::string_view other) const {
  if (length_ != other.size()) return false;
  if (auto v = memory_view()) return *v == other;
  bool same = true;
  size_t at = 0;
  TRY(for_each_chunk([&](std::string_view piece) {
    same = same && piece == other.substr(at, piece.size());
    at += piece.size();
    return base::ok();
  }));
  return same;
}

std::vector<std::string_view> path_components(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view c = path.substr(i, j - i);
    if (!c.empty() && c != ".") out.push_back(c);
    i = j + 1;
  }
  return out;
}

// Where a resolution stands: the chain of directories from the root, with their names.
struct Tree::Cursor {
  std::vector<Node*> nodes;
  std::vector<std::string> names;
  int links = 0;
};

// One journal record: the child `name` of `parent` was `old` (null: absent), or the
// metadata of `node` was `meta`.
struct Tree::Undo {
  Node* parent = nullptr;
  std::string name;
  std::unique_ptr<Node> old;
  Node* node = nullptr;
  Meta meta;
};

Tree::Tree(Meta root_meta) : root_(std::make_unique<Node>()) { root_->meta = std::move(root_meta); }
Tree::Tree(Tree&&) noexcept = default;
Tree& Tree::operator=(Tree&&) noexcept = default;
Tree::~Tree() = default;

base::Status Tree::walk_into(Cursor& cur, std::string_view path, Follow follow_last, Access access,
                             std::string_view what) const {
  // Pending components, next one at the back.
  std::vector<std::string> pending;
  for (auto c : path_components(path)) pending.emplace(pending.begin(), c);
  while (!pending.empty()) {
    std::string c = std::move(pending.back());
    pending.pop_back();
    if (c == "..") {
      if (cur.nodes.size() > 1) {
        cur.nodes.pop_back();
        cur.names.pop_back();
      } else if (access == Access::kWrite) {
        return fail(ErrorCode::kInvalidInput, shown(what) + ": escapes the root");
      }
      continue;
    }
    Node* dir = cur.nodes.back();
    if (!dir->is_dir())
      return fail(ErrorCode::kInvalidInput, shown(what) + ": /" + join_path(cur.names) + " is not a directory");
    auto it = dir->children.find(c);
    if (it == dir->children.end()) {
      std::string at = join_path(cur.names);
      return fail(ErrorCode::kNotFound, shown(what) + ": no such file or directory (/" + at + (at.empty() ? "" : "/") + c + ")");
    }
    Node* n = it->second.get();
    if (n->type == NodeType::kSymlink && (!pending.empty() || follow_last == Follow::kFollow)) {
      if (++cur.links > kMaxSymlinks)
        return fail(ErrorCode::kInvalidInput, shown(what) + ": too many levels of symbolic links");
      if (n->link.empty()) return fail(ErrorCode::kNotFound, shown(what) + ": empty symlink target");
      if (n->link[0] == '/') {
        cur.nodes.resize(1);
        cur.names.clear();
      }
      auto target = path_components(n->link);
      for (auto t = target.rbegin(); t != target.rend(); ++t) pending.emplace_back(*t);
      continue;
    }
    cur.nodes.push_back(n);
    cur.names.push_back(std::move(c));
  }
  return base::ok();
}

base::Result<Node*> Tree::resolve(std::string_view path, Follow follow, Access access) const {
  Cursor cur;
  cur.nodes.push_back(root_.get());
  TRY(walk_into(cur, path, follow, access, path));
  return cur.nodes.back();
}

base::Result<Node*> Tree::parent_dir(std::string_view path, std::string* name, Access access) {
  auto comps = path_components(path);
  if (comps.empty()) return fail(ErrorCode::kInvalidInput, shown(path) + ": is the root");
  if (comps.back() == "..") return fail(ErrorCode::kInvalidInput, shown(path) + ": ends in '..'");
  *name = std::string(comps.back());
  Cursor cur;
  cur.nodes.push_back(root_.get());
  std::string_view parent = path.substr(0, size_t(comps.back().data() - path.data()));
  TRY(walk_into(cur, parent, Follow::kFollow, access, path));
  if (!cur.nodes.back()->is_dir())
    return fail(ErrorCode::kInvalidInput, shown(path) + ": parent is not a directory");
  return cur.nodes.back();
}

base::Result<const Node*> Tree::lookup(std::string_view path, Follow follow) const {
  TRY_ASSIGN(Node * n, resolve(path, follow, Access::kRead));
  return static_cast<const Node*>(n);
}

base::Result<std::string> Tree::canonical(std::string_view path, Follow follow, Access access) const {
  Cursor cur;
  cur.nodes.push_back(root_.get());
  auto comps = path_components(path);
  if (comps.empty()) return std::string();
  std::string_view last = comps.back();
  std::string_view parent = path.substr(0, size_t(last.data() - path.data()));
  TRY(walk_into(cur, parent, Follow::kFollow, access, path));
  if (!cur.nodes.back()->is_dir())
    return fail(ErrorCode::kInvalidInput, shown(path) + ": parent is not a directory");
  auto it = cur.nodes.back()->children.find(last);
  if (last == ".." || (it != cur.nodes.back()->children.end() && follow == Follow::kFollow)) {
    TRY(walk_into(cur, last, follow, access, path));
  } else {
    cur.names.emplace_back(last);
  }
  return join_path(cur.names);
}

base::Result<std::string> Tree::read_file(std::string_view path) const {
  TRY_ASSIGN(Node * n, resolve(path, Follow::kFollow, Access::kRead));
  if (n->type != NodeType::kFile && n->type != NodeType::kHardlink)
    return fail(ErrorCode::kInvalidInput, shown(path) + ": not a regular file");
  return n->content.read();
}

void Tree::set_child(Node* parent, const std::string& name, std::unique_ptr<Node> node) {
  auto it = parent->children.find(name);
  std::unique_ptr<Node> old;
  if (it != parent->children.end()) {
    old = std::move(it->second);
    if (node) it->second = std::move(node);
    else parent->children.erase(it);
  } else if (node) {
    parent->children.emplace(name, std::move(node));
  }
  if (in_txn_) journal_.push_back(Undo{parent, name, std::move(old), nullptr, {}});
}

void Tree::note_meta(Node* node) {
  if (in_txn_) journal_.push_back(Undo{nullptr, {}, nullptr, node, node->meta});
}

base::Status Tree::place(std::string_view path, std::unique_ptr<Node> node, bool allow_empty_dir) {
  std::string name;
  TRY_ASSIGN(Node * parent, parent_dir(path, &name, Access::kWrite));
  auto it = parent->children.find(name);
  if (it != parent->children.end() && it->second->is_dir() && !(allow_empty_dir && it->second->children.empty()))
    return fail(ErrorCode::kConflict, shown(path) + ": is a directory");
  set_child(parent, name, std::move(node));
  return base::ok();
}

base::Status Tree::mkdir_p(std::string_view path, const Meta& meta) {
  Cursor cur;
  cur.nodes.push_back(root_.get());
  for (auto c : path_components(path)) {
    Node* dir = cur.nodes.back();
    if (c != ".." && dir->is_dir() && dir->children.find(c) == dir->children.end()) {
      auto n = std::make_unique<Node>();
      n->meta = meta;
      Node* raw = n.get();
      set_child(dir, std::string(c), std::move(n));
      cur.nodes.push_back(raw);
      cur.names.emplace_back(c);
      continue;
    }
    TRY(walk_into(cur, c, Follow::kFollow, Access::kWrite, path));
    if (!cur.nodes.back()->is_dir())
      return fail(ErrorCode::kConflict, shown(path) + ": /" + join_path(cur.names) + " exists and is not a directory");
  }
  return base::ok();
}

base::Status Tree::mkdir(std::string_view path, const Meta& meta) {
  auto n = std::make_unique<Node>();
  n->meta = meta;
  return place(path, std::move(n), true);
}

base::Status Tree::write_file(std::string_view path, Content content, const Meta& meta) {
  auto n = std::make_unique<Node>();
  n->type = NodeType::kFile;
  n->meta = meta;
  n->content = std::move(content);
  return place(path, std::move(n), false);
}

base::Status Tree::symlink(std::string_view path, std::string_view target, const Meta& meta) {
  if (target.empty()) return fail(ErrorCode::kInvalidInput, shown(path) + ": empty symlink target");
  auto n = std::make_unique<Node>();
  n->type = NodeType::kSymlink;
  n->meta = meta;
  n->link = std::string(target);
  return place(path, std::move(n), false);
}

base::Status Tree::hardlink(std::string_view path, std::string_view target, const Meta& meta) {
  TRY_ASSIGN(std::string canon, canonical(target, Follow::kNoFollow, Access::kWrite));
  auto t = resolve(canon, Follow::kNoFollow, Access::kWrite);
  if (!t) return fail(ErrorCode::kNotFound, shown(path) + ": hard link target " + shown(target) + " does not exist");
  const Node* tn = *t;
  if (tn->type != NodeType::kFile && tn->type != NodeType::kHardlink)
    return fail(ErrorCode::kInvalidInput, shown(path) + ": hard link target " + shown(target) + " is not a regular file");
  auto n = std::make_unique<Node>();
  n->type = NodeType::kHardlink;
  n->meta = meta;
  n->content = tn->content;
  n->link = tn->type == NodeType::kHardlink ? tn->link : canon;
  return place(path, std::move(n), false);
}

base::Status Tree::mknod(std::string_view path, NodeType type, uint32_t major, uint32_t minor, const Meta& meta) {
  if (type != NodeType::kCharDevice && type != NodeType::kBlockDevice && type != NodeType::kFifo)
    return fail(ErrorCode::kInternal, shown(path) + ": mknod of a type that is not a device or fifo");
  auto n = std::make_unique<Node>();
  n->type = type;
  n->meta = meta;
  n->devmajor = major;
  n->devminor = minor;
  return place(path, std::move(n), false);
}

base::Status Tree::set_meta(std::string_view path, const Meta& meta, Follow follow) {
  TRY_ASSIGN(Node * n, resolve(path, follow, Access::kWrite));
  note_meta(n);
  n->meta = meta;
  return base::ok();
}

base::Status Tree::chmod(std::string_view path, uint32_t mode, Follow follow) {
  TRY_ASSIGN(Node * n, resolve(path, follow, Access::kWrite));
  note_meta(n);
  n->meta.mode = mode & 07777;
  return base::ok();
}

base::Status Tree::chown(std::string_view path, uint32_t uid, uint32_t gid, Follow follow) {
  TRY_ASSIGN(Node * n, resolve(path, follow, Access::kWrite));
  note_meta(n);
  n->meta.uid = uid;
  n->meta.gid = gid;
  return base::ok();
}

base::Status Tree::remove(std::string_view path) {
  std::string name;
  TRY_ASSIGN(Node * parent, parent_dir(path, &name, Access::kWrite));
  if (parent->children.find(name) == parent->children.end())
    return fail(ErrorCode::kNotFound, shown(path) + ": no such file or directory");
  set_child(parent, name, nullptr);
  return base::ok();
}

void Tree::walk(const std::function<void(const std::string&, const Node&)>& fn) const {
  // Explicit stack of (directory, its path, next child) to avoid deep recursion.
  struct Frame {
    const Node* dir;
    std::string path;
    std::map<std::string, std::unique_ptr<Node>, std::less<>>::const_iterator next;
  };
  std::vector<Frame> stack;
  stack.push_back({root_.get(), "", root_->children.begin()});
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next == f.dir->children.end()) {
      stack.pop_back();
      continue;
    }
    const auto& [name, child] = *f.next++;
    std::string path = f.path.empty() ? name : f.path + "/" + name;
    fn(path, *child);
    if (child->is_dir()) stack.push_back({child.get(), std::move(path), child->children.begin()});
  }
}

void Tree::begin() {
  journal_.clear();
  in_txn_ = true;
}

void Tree::commit() {
  journal_.clear();
  in_txn_ = false;
}

void Tree::rollback() {
  in_txn_ = false;
  for (auto u = journal_.rbegin(); u != journal_.rend(); ++u) {
    if (u->node) {
      u->node->meta = std::move(u->meta);
      continue;
    }
    if (u->old) u->parent->children[u->name] = std::move(u->old);
    else u->parent->children.erase(u->name);
  }
  journal_.clear();
}

}  // namespace rootfs
