import CBLAS
import CMimalloc
import Foundation
import Tensors

// `make bench`: every case of the suite, Backstep and NumPy in the same run, one table.
//
//   BackstepBench [--quick] [--only 1,2,3,4,5,6,memory] [--threads N] [--python PYTHON]
//                 [--reference bench/reference.py] [--backstep PATH] [--lessons DIR]
//   BackstepBench --child memory-backstep | memory-blas | mlp     (used by the suite itself)
//   BackstepBench --child statements [--quick]                     (case 4 alone, for profiling)

struct Options {
  var quick = false
  var python = "python3"
  var reference = "bench/reference.py"
  var backstep: String
  var lessons = "lessons"
  var child: String?
  /// The cases to run (all when `nil`): numbers, and `memory`.
  var only: Set<String>?
  /// Threads on both sides: NumPy's and the bare products' OpenBLAS threads, Backstep's
  /// (`BACKSTEP_THREADS`); each side's own default when `nil`.
  var threads: Int?

  init(_ arguments: [String]) throws(BenchError) {
    let executable = URL(fileURLWithPath: arguments.first ?? "BackstepBench").resolvingSymlinksInPath()
    backstep = executable.deletingLastPathComponent().appendingPathComponent("backstep").path
    var rest = arguments.dropFirst()
    func value(_ flag: String) throws(BenchError) -> String {
      guard let next = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
      return next
    }
    while let flag = rest.popFirst() {
      switch flag {
      case "--quick": quick = true
      case "--python": python = try value(flag)
      case "--reference": reference = try value(flag)
      case "--backstep": backstep = try value(flag)
      case "--lessons": lessons = try value(flag)
      case "--child": child = try value(flag)
      case "--threads":
        guard let count = Int(try value(flag)), count > 0 else { throw BenchError("--threads needs a positive number") }
        threads = count
      case "--only": only = Set(try value(flag).split(separator: ",").map(String.init))
      default: throw BenchError("unknown argument \(flag)")
    }
    }
  }

  /// Sets `threads` for both sides, before anything runs: this process's bare products and
  /// Backstep calls, the backstep processes it starts, and NumPy.
  func applyThreads() {
    guard let threads else { return }
    setenv("OPENBLAS_NUM_THREADS", String(threads), 1)
    setenv("BACKSTEP_THREADS", String(threads), 1)
  }

  func repeats(_ full: Int) -> Int { quick ? max(2, full / 3) : full }

  func runs(_ name: String) -> Bool { only?.contains(name) ?? true }

  /// The NumPy side runs without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, which some machines
  /// set for older OpenBLAS builds and which slow NumPy's own, newer OpenBLAS.
  var numpyEnvironment: [String: String?] {
    var environment: [String: String?] = ["OPENBLAS_CORETYPE": nil, "OPENBLAS_L2_SIZE": nil]
    if let threads { environment["OPENBLAS_NUM_THREADS"] = String(threads) }
    return environment
  }
}


struct Times: Decodable { let times: [Double] }

func log(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}

func runSuite(_ options: Options) throws(BenchError) {
  options.applyThreads()
  var machine = Machine.current()
  let reference = try runJSON(ReferenceInfo.self, [options.python, options.reference, "info"], environment: options.numpyEnvironment)
  let numpy = try ReferenceServer(python: options.python, reference: options.reference, environment: options.numpyEnvironment)
  /// NumPy's call of a case, for ``interleaved(repeats:_:)``, and a fifth of a second
  /// without work after it (``apart(_:)``).
  func numpyCall(_ name: String, _ extra: [String] = []) -> Measured {
    apart { () throws(BenchError) in try numpy.seconds(name, extra) }
  }
  var rows: [Row] = []

  log("dgemm rate…")
  let n = Cases.matmulSize
  let dgemmSeconds = median(try BareBLAS.productTimes(n: n, repeats: options.repeats(9)))
  let dgemmRate = BareBLAS.productFlops(n) / dgemmSeconds

  if options.runs("1") {
  log("1. start-up…")
  var startBackstep: [Double] = [], startNumpy: [Double] = []
  for round in 0..<(options.repeats(20) + 2) {
    let a = try runChild([options.backstep, "-e", "1+1"])
    let b = try runChild([options.python, "-c", "import numpy"], environment: options.numpyEnvironment)
    guard a.status == 0 else { throw BenchError("backstep -e \"1+1\" exited with status \(a.status)") }
    if round >= 2 {  // two warm-up rounds fill the page cache
      startBackstep.append(a.seconds)
      startNumpy.append(b.seconds)
    }
  }
  let startup = median(startBackstep)
  rows.append(Row(
    number: "1", name: "start-up: `backstep -e \"1+1\"` vs `python3 -c \"import numpy\"`", size: "process",
    backstep: Measure(value: startup, unit: .seconds), numpy: Measure(value: median(startNumpy), unit: .seconds),
    target: "≤ 20 ms", met: startup <= 0.020))
  }

  if options.runs("2") {
  log("2. matmul and its gradients…")
  // The targets are ratios to the bare products: the bare products, the script, the API and
  // NumPy run in turn within each repeat, and each ratio is the median of the repeats' own
  // ratios. The machine's speed drifts (it is shared), by more than the target's margin between
  // rounds a second apart; within a repeat it barely moves.
  let times = try interleaved(
    repeats: options.repeats(15),
    [
      apart(timing(BareBLAS.gradientProducts(n: n))), timing(try Cases.matmulScriptRun()), timing(try Cases.matmulCoreRun()),
      numpyCall("matmul"),
    ])
  let bare = median(times[0]), matmul = median(times[1]), matmulCore = median(times[2]), matmulNumpy = median(times[3])
  let matmulRatio = medianRatio(times[1], times[0]), coreRatio = medianRatio(times[2], times[0])
  let threeProducts = 3 * BareBLAS.productFlops(n)
  rows.append(Row(
    number: "2", name: "`L = sum(A @ B)`, dA, dB", size: "1024×1024",
    backstep: Measure(value: matmul, unit: .seconds), numpy: Measure(value: matmulNumpy, unit: .seconds),
    pairedRatio: medianRatio(times[1], times[3]),
    dgemmFraction: threeProducts / matmul / dgemmRate,
    target: String(format: "≤ 1.15× bare dgemm: %.2f×", matmulRatio), met: matmulRatio <= 1.15))
  rows.append(Row(
    number: "2a", name: "the same through the Autodiff API", size: "1024×1024",
    backstep: Measure(value: matmulCore, unit: .seconds), numpy: Measure(value: matmulNumpy, unit: .seconds),
    pairedRatio: medianRatio(times[2], times[3]),
    dgemmFraction: threeProducts / matmulCore / dgemmRate,
    target: String(format: "≤ 1.15× bare dgemm: %.2f×", coreRatio), met: coreRatio <= 1.15))
  rows.append(Row(
    number: "2b", name: "the three bare `cblas_dgemm` calls", size: "1024×1024",
    backstep: Measure(value: bare, unit: .seconds), numpy: Measure(value: matmulNumpy, unit: .seconds),
    pairedRatio: medianRatio(times[0], times[3]),
    dgemmFraction: threeProducts / bare / dgemmRate))
  }

  if options.runs("3") {
  log("3. broadcast chain…")
  // Ratios to NumPy are medians of the repeats' own ratios, Backstep's call and NumPy's made
  // in turn within each repeat (as case 2's).
  let broadcastTimes = try interleaved(repeats: options.repeats(15), [timing(try Cases.broadcastRun()), numpyCall("broadcast")])
  let broadcastRatio = medianRatio(broadcastTimes[0], broadcastTimes[1])
  rows.append(Row(
    number: "3", name: "`L = sum(tanh(x * w + b))`, dx, dw, db", size: "(1000, 1000), (1000,), (1000, 1)",
    backstep: Measure(value: median(broadcastTimes[0]), unit: .seconds),
    numpy: Measure(value: median(broadcastTimes[1]), unit: .seconds), pairedRatio: broadcastRatio,
    target: "ratio ≤ 1.0", met: broadcastRatio <= 1))
  }

  if options.runs("4") {
  log("4. small statements…")
  let count = options.quick ? 20_000 : 100_000
  // The target is a time, not a ratio: Backstep's repeats run one after another, as a session
  // running the script again would, reusing the memory of the last run's graph (100 MB). Between
  // two of NumPy's 1.3 s calls, mimalloc hands that memory back and a repeat faults it in again
  // (0.2–0.35 µs more per statement; row 4a, a new process, includes it).
  let statementTimes = try timed(repeats: options.repeats(9), Cases.statementsRun(count: count))
  let statementNumpyTimes = try interleaved(repeats: options.repeats(9), [numpyCall("statements", [String(count)])])[0]
  let statements = median(statementTimes) / Double(count)
  let statementsNumpy = median(statementNumpyTimes) / Double(count)
  rows.append(Row(
    number: "4", name: "small statements, parsed and recorded", size: "\(count) × 4×4",
    backstep: Measure(value: statements, unit: .secondsPerStatement),
    numpy: Measure(value: statementsNumpy, unit: .secondsPerStatement),
    target: "≤ 2 µs per statement", met: statements <= 2e-6))
  // For information: the same statements as a script run by the executable, through the
  // shell (each record shown or kept for :transcript); start-up is taken off by running an
  // empty script the same way.
  log("4a. small statements as a script…")
  let script = try Cases.scriptFile(Cases.statementsScript(count: count, silenced: true), named: "statements.bs")
  let empty = try Cases.scriptFile("", named: "empty.bs")
  var scriptTimes: [Double] = [], emptyTimes: [Double] = []
  for _ in 0..<options.repeats(3) {
    let full = try runChild([options.backstep, script]), none = try runChild([options.backstep, empty])
    guard full.status == 0, none.status == 0 else { throw BenchError("backstep \(script) exited with status \(full.status)") }
    scriptTimes.append(full.seconds)
    emptyTimes.append(none.seconds)
  }
  rows.append(Row(
    number: "4a", name: "the same as a script: `backstep statements.bs`, less start-up", size: "\(count) × 4×4",
    backstep: Measure(value: (median(scriptTimes) - median(emptyTimes)) / Double(count), unit: .secondsPerStatement),
    numpy: Measure(value: statementsNumpy, unit: .secondsPerStatement)))
  }

  if options.runs("5") {
  log("5. MLP training…")
  let mlpTimes = try interleaved(repeats: options.repeats(15), [timing(try Cases.mlpRun()), numpyCall("mlp")])
  let mlp = median(mlpTimes[0]), mlpNumpy = median(mlpTimes[1]), mlpRatio = medianRatio(mlpTimes[0], mlpTimes[1])
  rows.append(Row(
    number: "5", name: "MLP 784→512→10, softmax cross-entropy, SGD, \(Cases.mlpSteps) steps", size: "batch 256",
    backstep: Measure(value: mlp, unit: .seconds), numpy: Measure(value: mlpNumpy, unit: .seconds), pairedRatio: mlpRatio,
    dgemmFraction: Double(Cases.mlpSteps) * Cases.mlpFlops() / mlp / dgemmRate,
    target: "ratio ≤ 1.0", met: mlpRatio <= 1))
  // For information only: the same step on other kernels, which separates the BLAS library's
  // kernel choice from Backstep's own cost: NumPy's kernels when they differ from Backstep's,
  // else, when Backstep replaced OpenBLAS's fallback kernels (BLASKernels), the fallback.
  var otherKernels: (name: String, whose: String)? = nil
  if machine.blasCore.lowercased() != reference.core.lowercased() && reference.core != "unknown" {
    otherKernels = (reference.core, "NumPy's kernels")
  } else if case .replaced(let fallback, _) = BLASKernels.choice {
    otherKernels = (fallback, "OpenBLAS's own fallback kernels")
  }
  if let otherKernels {
    log("5b. MLP training with OPENBLAS_CORETYPE=\(otherKernels.name)…")
    var child = [CommandLine.arguments[0], "--child", "mlp"] + (options.quick ? ["--quick"] : [])
    if let threads = options.threads { child += ["--threads", String(threads)] }
    let other = median(try runJSON(Times.self, child, environment: ["OPENBLAS_CORETYPE": otherKernels.name]).times)
    rows.append(Row(
      number: "5b", name: "the same on \(otherKernels.whose) (`OPENBLAS_CORETYPE=\(otherKernels.name)`)",
      size: "batch 256", backstep: Measure(value: other, unit: .seconds), numpy: Measure(value: mlpNumpy, unit: .seconds),
      target: "information"))
  }
  }

  if options.runs("6") {
  log("6. lesson course…")
  let lessonFiles = ((try? FileManager.default.contentsOfDirectory(atPath: options.lessons)) ?? [])
    .filter { $0.hasSuffix(".lesson") }
  guard !lessonFiles.isEmpty else { throw BenchError("no lessons in \(options.lessons)") }
  let lessonsFolder = URL(fileURLWithPath: options.lessons).standardizedFileURL.path
  let course = try timed(repeats: options.repeats(5)) { () throws(BenchError) in
    for number in 1...lessonFiles.count {
      let run = try runChild(
        [options.backstep, "--lesson", String(number), "--auto"], environment: ["BACKSTEP_LESSONS": lessonsFolder])
      guard run.status == 0 else { throw BenchError("lesson \(number) --auto exited with status \(run.status)") }
    }
  }
  let courseTime = median(course)
  rows.append(Row(
    number: "6", name: "the course, every lesson with `--auto`", size: "\(lessonFiles.count) lessons",
    backstep: Measure(value: courseTime, unit: .seconds), numpy: nil, target: "< 2 s", met: courseTime < 2))
  }

  var memory: (backstep: MemoryReading, blas: MemoryReading, numpy: MemoryReading)?
  if options.runs("memory") {
    log("memory of case 2…")
    let me = CommandLine.arguments[0]
    memory = (
      try runJSON(MemoryReading.self, [me, "--child", "memory-backstep"]),
      try runJSON(MemoryReading.self, [me, "--child", "memory-blas"]),
      try runJSON(MemoryReading.self, [options.python, options.reference, "memory"], environment: options.numpyEnvironment))
  }
  machine.loadAverage.end = Machine.loadAverage()

  // MARK: Report
  print("""
    Backstep benchmark suite — medians of repeated runs; Backstep and NumPy in turn within each repeat, and ratios the medians of the repeats' own ratios (case 4: each side's repeats in a row, the ratio of the medians)
    Machine: \(machine.cpu), \(machine.cores) cores, \(String(format: "%.0f", machine.memoryGiB)) GiB; \
    load average \(String(format: "%.1f", machine.loadAverage.start)) at the start, \
    \(String(format: "%.1f", machine.loadAverage.end)) at the end
    Backstep memory: \(backstep_malloc_is_mimalloc() != 0 ? "mimalloc \(mi_version() / 100).\(mi_version() % 100 / 10).\(mi_version() % 10)" : "the C library's malloc"); \
    exp and tanh in \(VectorMath.instructionSet) code; BLAS: \(machine.blasReport); threads: \(machine.threads) (products split in blocks, one OpenBLAS call on each thread; the bare products: OpenBLAS's own, \(BareBLAS.threads)); \
    cblas_dgemm 1024³ measured at \(String(format: "%.1f", dgemmRate / 1e9)) GFLOP/s
    NumPy \(reference.numpy) (Python \(reference.python)): \(reference.config); kernel \(reference.core), BLAS threads: \(reference.threads)

    """)
  print(renderTable(rows))
  guard let memory else { return }
  let matrix = Double(n * n * 8)
  func mib(_ bytes: Double) -> String { String(format: "%.1f MiB", bytes / Double(1 << 20)) }
  func times(_ bytes: Double, _ of: Double) -> String { String(format: "%.2f×", bytes / of) }
  let peak = memory.backstep.addedBytes
  // Inputs A, B; outputs A @ B (kept by the graph) and L (one number); gradients dA, dB.
  let counted = 5 * matrix, strict = 4 * matrix
  print("""

    Peak memory of case 2 (peak resident set of a process running only that case, less its resident set before A and B exist):
      Backstep \(mib(peak)): \(times(peak, counted)) the \(mib(counted)) of inputs A, B, output A @ B and gradients dA, dB \
    (target ≤ 1.5×: \(peak <= 1.5 * counted ? "yes" : "no")); \(times(peak, strict)) the \(mib(strict)) of A, B, dA, dB alone.
      The three bare dgemm calls: \(mib(memory.blas.addedBytes)) (\(times(memory.blas.addedBytes, counted))); \
    NumPy: \(mib(memory.numpy.addedBytes)) (\(times(memory.numpy.addedBytes, counted))).
    """)
}

// As the backstep executable keeps it: the cases run in this process.
backstep_malloc_keep_freed_memory(1000)
BLASKernels.chooseForThisProcessor()
do {
  let options = try Options(CommandLine.arguments)
  switch options.child {
  case "memory-backstep":
    let reading = try Cases.matmulPeak()
    print("{\"before\": \(reading.before), \"after\": \(reading.after)}")
  case "mlp":
    options.applyThreads()
    let times = try timed(repeats: options.repeats(5), try Cases.mlpRun())
    print("{\"times\": [\(times.map { String($0) }.joined(separator: ", "))]}")
  case "statements":
    // Case 4 alone, for profiling (`valgrind --tool=callgrind BackstepBench --child statements --quick`).
    let count = options.quick ? 20_000 : 100_000
    let times = try timed(repeats: options.repeats(3), Cases.statementsRun(count: count))
    print("{\"times\": [\(times.map { String($0 / Double(count)) }.joined(separator: ", "))]}")
  case "memory-blas":
    let reading = BareBLAS.gradientPeak(n: Cases.matmulSize)
    print("{\"before\": \(reading.before), \"after\": \(reading.after)}")
  case nil:
    try runSuite(options)
  case let other?:
    throw BenchError("unknown child case \(other)")
  }
} catch {
  log("BackstepBench: \(error)")
  exit(1)
}
