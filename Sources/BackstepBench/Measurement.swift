import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Seconds on the monotonic clock.
func now() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// The seconds of each of `repeats` calls of `body`, after one untimed warm-up call.
func timed(repeats: Int, _ body: () throws(BenchError) -> Void) throws(BenchError) -> [Double] {
  try body()
  var times: [Double] = []
  for _ in 0..<repeats {
    let start = now()
    try body()
    times.append(now() - start)
  }
  return times
}

/// One call of a case that reports its own seconds: Backstep's calls are timed here
/// (``timing(_:)``), NumPy's by its own process (``ReferenceServer``).
typealias Measured = () throws(BenchError) -> Double

/// `body` as a measured call: its seconds on this process's clock.
func timing(_ body: @escaping () throws(BenchError) -> Void) -> Measured {
  { () throws(BenchError) in
    let start = now()
    try body()
    return now() - start
  }
}

/// `call` and then a fifth of a second without work, for a call whose OpenBLAS threads are
/// OpenBLAS's own (NumPy's, the bare products'): they spin for about a tenth of a second after
/// a product before they sleep (OpenBLAS's thread timeout, 2²⁸ cycles), and took a core from
/// the next call (an MLP step ran 1.7 times slower). Backstep's workers spin half a
/// millisecond. Not longer: Backstep's allocator keeps freed memory a second, and a repeat of
/// case 2 that came later than that faulted its 32 MB of results in again.
func apart(_ call: @escaping Measured) -> Measured {
  { () throws(BenchError) in
    defer { usleep(200_000) }
    return try call()
  }
}

/// The seconds of each of `repeats` calls of each of `calls`, the calls made in turn within
/// each repeat, after one untimed warm-up call each: a change in the machine's speed (it is
/// shared) then reaches the calls of one repeat alike, and a ratio taken repeat by repeat
/// (``medianRatio(_:_:)``) cancels it.
func interleaved(repeats: Int, _ calls: [Measured]) throws(BenchError) -> [[Double]] {
  for call in calls { _ = try call() }
  var times = [[Double]](repeating: [], count: calls.count)
  for _ in 0..<repeats {
    for (index, call) in calls.enumerated() { times[index].append(try call()) }
  }
  return times
}

/// The median of the ratios `numerators[i] / denominators[i]`, repeat by repeat.
func medianRatio(_ numerators: [Double], _ denominators: [Double]) -> Double {
  median(zip(numerators, denominators).map { $0 / $1 })
}

/// The middle value (the mean of the two middle ones for an even count).
func median(_ values: [Double]) -> Double {
  guard !values.isEmpty else { return .nan }
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// This process's peak resident set so far, in KiB (`VmHWM` of /proc/self/status).
///
/// Not `getrusage`'s `ru_maxrss`: a process started by `posix_spawn` from a large
/// parent begins with the parent's figure there.
func peakResidentKiB() -> Int { statusField("VmHWM") }

/// This process's resident set now, in KiB.
func residentKiB() -> Int { statusField("VmRSS") }

/// Restarts the peak resident set from the current one (Linux: `5` into /proc/self/clear_refs).
func resetPeakResident() {
  let fd = open("/proc/self/clear_refs", O_WRONLY)
  guard fd >= 0 else { return }
  _ = write(fd, "5", 1)
  close(fd)
}

private func statusField(_ name: String) -> Int {
  let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
  guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
  return Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "") ?? 0
}

/// What went wrong while benchmarking: printed, and the bench exits with status 1.
struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

// MARK: - Child processes

/// A finished child process: its wall time, exit status and what it printed.
struct ChildRun {
  let seconds: Double
  let status: Int32
  let output: String
}

/// Starts `arguments` (the first is looked up on PATH) with `environment` changed (a `nil`
/// value removes the variable) and the file `actions`; returns its process id.
func spawn(
  _ arguments: [String], environment changes: [String: String?], actions: inout posix_spawn_file_actions_t
) throws(BenchError) -> pid_t {
  guard let program = arguments.first else { throw BenchError("no command to run") }
  var environment = ProcessInfo.processInfo.environment
  for (key, value) in changes { environment[key] = value }
  let argv = arguments.map { strdup($0) } + [nil]
  let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer {
    for pointer in argv { free(pointer) }
    for pointer in envp { free(pointer) }
  }
  var pid: pid_t = 0
  let spawned = posix_spawnp(&pid, program, &actions, nil, argv, envp)
  guard spawned == 0 else { throw BenchError("cannot start \(program): \(String(cString: strerror(spawned)))") }
  return pid
}

/// Runs `arguments` (the first is looked up on PATH) with `environment` changed (a `nil`
/// value removes the variable), timing it from spawn to exit; standard output is kept
/// when `capture`, else discarded.
func runChild(
  _ arguments: [String], environment changes: [String: String?] = [:], capture: Bool = false
) throws(BenchError) -> ChildRun {
  let outputPath = capture ? FileManager.default.temporaryDirectory
    .appendingPathComponent("backstep-bench-\(getpid())-\(UInt64(now() * 1e6)).out").path : "/dev/null"
  defer { if capture { unlink(outputPath) } }

  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  let start = now()
  let pid = try spawn(arguments, environment: changes, actions: &actions)
  var status: Int32 = 0
  while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
  let seconds = now() - start
  // WIFEXITED / WEXITSTATUS, spelled out: Swift does not import the C macros.
  let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  let output = capture ? ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "") : ""
  return ChildRun(seconds: seconds, status: exitStatus, output: output)
}

/// Runs a child that prints one JSON object, and decodes it.
func runJSON<T: Decodable>(
  _ type: T.Type, _ arguments: [String], environment: [String: String?] = [:]
) throws(BenchError) -> T {
  let run = try runChild(arguments, environment: environment, capture: true)
  guard run.status == 0 else {
    throw BenchError("`\(arguments.joined(separator: " "))` exited with status \(run.status)")
  }
  guard let line = run.output.split(separator: "\n").last, let data = String(line).data(using: .utf8),
    let value = try? JSONDecoder().decode(T.self, from: data)
  else {
    throw BenchError("`\(arguments.joined(separator: " "))` printed no result: \(run.output.prefix(200))")
  }
  return value
}
