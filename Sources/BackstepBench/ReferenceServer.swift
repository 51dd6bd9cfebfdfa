import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The NumPy side of the cases, one call at a time: `reference.py serve`, kept running
/// for the whole suite, times the call of a case each request names and answers at once.
///
/// With it each repeat of a case runs Backstep's call and NumPy's in turn, a few tenths of
/// a second apart; timed in separate rounds, the two sides met different moments of a shared
/// machine, whose speed drifts by more than some targets' margins.
final class ReferenceServer {
  private let pid: pid_t
  private let requests: FileHandle
  private let answers: FileHandle
  private var pending = Data()
  private let command: String

  /// Starts `python reference serve` with `environment` changed (a `nil` value removes the variable).
  init(python: String, reference: String, environment changes: [String: String?]) throws(BenchError) {
    command = "\(python) \(reference) serve"
    // A server that died makes a request fail with an error here, not a SIGPIPE that ends the suite unexplained.
    signal(SIGPIPE, SIG_IGN)
    var toServer: [Int32] = [0, 0], fromServer: [Int32] = [0, 0]
    // Closed on exec: the server gets its ends as its standard input and output, and no other
    // child (the backstep processes of cases 4a and 6) holds any of them.
    guard pipe(&toServer) == 0, pipe(&fromServer) == 0 else { throw BenchError("cannot make pipes for \(command)") }
    for fd in toServer + fromServer { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, toServer[0], 0)
    posix_spawn_file_actions_adddup2(&actions, fromServer[1], 1)
    // The child keeps its own copies of its ends; this process, the other two.
    defer {
      close(toServer[0])
      close(fromServer[1])
    }
    do {
      pid = try spawn([python, reference, "serve"], environment: changes, actions: &actions)
    } catch {
      close(toServer[1])
      close(fromServer[0])
      throw error
    }
    requests = FileHandle(fileDescriptor: toServer[1], closeOnDealloc: true)
    answers = FileHandle(fileDescriptor: fromServer[0], closeOnDealloc: true)
    // Python's start and NumPy's import take a core for a tenth of a second or more: the suite
    // measures nothing until they are over (they slowed the first cases' measurements).
    let line = try answerLine(to: "start")
    guard (try? JSONDecoder().decode(Ready.self, from: line))?.ready == true else {
      throw BenchError("\(command) started with \(String(decoding: line.prefix(200), as: UTF8.self))")
    }
  }

  deinit {
    try? requests.close()
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
  }

  private struct Answer: Decodable { let seconds: Double }
  private struct Ready: Decodable { let ready: Bool }

  /// The seconds of one call of `name` (with `extra` words, as `statements 100000`), timed by NumPy's process.
  func seconds(_ name: String, _ extra: [String] = []) throws(BenchError) -> Double {
    let request = ([name] + extra).joined(separator: " ")
    do {
      try requests.write(contentsOf: Data((request + "\n").utf8))
    } catch {
      throw BenchError("\(command) stopped before `\(request)`: \(error)")
    }
    let line = try answerLine(to: "`\(request)`")
    guard let answer = try? JSONDecoder().decode(Answer.self, from: line) else {
      throw BenchError("\(command) answered `\(request)` with \(String(decoding: line.prefix(200), as: UTF8.self))")
    }
    return answer.seconds
  }

  /// The server's next line, the answer to `what` (for messages).
  private func answerLine(to what: String) throws(BenchError) -> Data {
    while !pending.contains(UInt8(ascii: "\n")) {
      // What the pipe holds now (read(upToCount:) would wait for all 4096 bytes).
      let more = answers.availableData
      guard !more.isEmpty else { throw BenchError("\(command) stopped without answering \(what)") }
      pending.append(more)
    }
    let end = pending.firstIndex(of: UInt8(ascii: "\n")) ?? pending.endIndex
    let line = pending[pending.startIndex..<end]
    pending = Data(pending[pending.index(after: end)...])
    return line
  }
}
