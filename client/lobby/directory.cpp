// Who is online and what they share.
#include "client/lobby/directory.h"

#include "client/lobby/files.h"
#include "client/lobby/messages.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/broker_limits.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {

void Directory::say_no_such_user(const std::string& user) {
  console_->print(printable(user) + ": no such user", Style::kError);
}

std::string in_a_chat_with(const std::string& partner) { return "in a chat with " + partner; }

void Directory::users() {
  Expected<BrokerConn::Reply> r =
      link_->request(LineWriter(wire::request::kUsers).str(), wire::reply::kUsers);
  if (!r.ok()) return;
  if (r->head.kind == BrokerMessage::Kind::kErr) {
    console_->print("cannot list users: " + printable(r->head.reason), Style::kError);
    return;
  }
  size_t n = r->body.size();
  console_->print(std::to_string(n) + (n == 1 ? " user online:" : " users online:"), Style::kTitle);
  for (const BrokerMessage& m : r->body) {
    UserEntry u;
    BusyEntry b;
    if (parse_user_line(m, &u)) {
      std::string line = "  " + listed_name(u.name, style_) + "  " + host_port(u.ip, u.port);
      if (u.name == user_) line += "  (you)";
      console_->print(line);
    } else if (parse_busy_line(m, &b)) {
      console_->print("  " + listed_name(b.name, style_) + "  " + in_a_chat_with(b.partner));
    }
  }
}

void Directory::info(const std::string& user) {
  if (!valid_user_name(user)) {
    say_no_such_user(user);
    return;
  }
  Expected<BrokerConn::Reply> r =
      link_->request(LineWriter(wire::request::kInfo).field(user).str());
  if (!r.ok()) return;
  UserEntry u;
  if (parse_info_reply(r->head, &u)) {
    console_->print(u.name + " is at " + host_port(u.ip, u.port));
  } else if (r->head.kind == BrokerMessage::Kind::kErr && r->head.code == wire::err::kNotFound) {
    say_no_such_user(user);
  } else {
    console_->print("info failed: " + printable(r->head.reason), Style::kError);
  }
}

void Directory::files(const std::string& user) {
  if (user.empty()) {
    Expected<BrokerConn::Reply> r =
        link_->request(LineWriter(wire::request::kFiles).str(), wire::reply::kFiles);
    if (r.ok()) {
      print_files(
          *r, [](size_t n) { return files_count(n) + " shared:"; }, "no files shared");
    }
    return;
  }
  if (!valid_user_name(user)) {
    say_no_such_user(user);
    return;
  }
  Expected<BrokerConn::Reply> r =
      link_->request(LineWriter(wire::request::kFiles).field(user).str(), wire::reply::kFiles);
  if (!r.ok()) return;
  if (r->head.kind == BrokerMessage::Kind::kErr && r->head.code == wire::err::kNotFound) {
    say_no_such_user(user);
    return;
  }
  print_files(
      *r, [&](size_t n) { return user + " shares " + files_count(n) + ":"; },
      user + " shares no files");
}

void Directory::search(const std::string& text) {
  Expected<BrokerConn::Reply> r =
      link_->request(LineWriter(wire::request::kSearch).field(text).str(), wire::reply::kFiles);
  if (!r.ok()) return;
  const std::string quoted = "\"" + printable(text) + "\"";
  print_files(
      *r,
      [&](size_t n) { return files_count(n) + (n == 1 ? " matches " : " match ") + quoted + ":"; },
      "no files match " + quoted);
}

void Directory::print_files(const BrokerConn::Reply& r,
                            const std::function<std::string(size_t)>& title,
                            const std::string& empty) {
  if (r.head.kind == BrokerMessage::Kind::kErr) {
    console_->print("cannot list files: " + printable(r.head.reason), Style::kError);
    return;
  }
  std::vector<FileEntry> files;
  for (const BrokerMessage& m : r.body) {
    FileEntry f;
    if (parse_file_line(m, &f)) files.push_back(std::move(f));
  }
  if (files.empty()) {
    console_->print(empty);
    return;
  }
  console_->print(title(files.size()), Style::kTitle);
  for (const FileEntry& f : files) console_->print(file_line(f, style_));
  if (r.body.size() >= wire::kMaxReplyLines) {
    console_->print("(the broker lists at most " + std::to_string(wire::kMaxReplyLines) + ")");
  }
}

std::optional<std::vector<FetchSource>> Directory::who_has(const std::string& name_or_hash,
                                                           const std::string& user) {
  LineWriter request(wire::request::kWhoHas);
  request.field(name_or_hash);
  if (!user.empty()) request.field(user);
  Expected<BrokerConn::Reply> r = link_->request(request.str(), wire::reply::kWhoHas);
  if (!r.ok()) return std::nullopt;
  if (r->head.kind == BrokerMessage::Kind::kErr) {
    console_->print("cannot look up " + printable(name_or_hash) + ": " + printable(r->head.reason),
                    Style::kError);
    return std::nullopt;
  }
  std::vector<FetchSource> owners;
  for (const BrokerMessage& m : r->body) {
    FetchSource s;
    if (parse_owner_message(m, &s)) owners.push_back(std::move(s));
  }
  return owners;
}

}  // namespace peerlink::lobby
