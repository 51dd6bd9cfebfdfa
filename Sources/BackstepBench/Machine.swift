import CBLAS
import Foundation
import Tensors

/// What the table's header says about the machine and the two BLAS libraries.
struct Machine {
  let cpu: String
  let cores: Int
  let memoryGiB: Double
  /// The 1-minute load average when the suite started and when it ended.
  var loadAverage: (start: Double, end: Double)
  /// Backstep's BLAS: OpenBLAS's configuration, the kernels it runs and whose choice they are
  /// (``BLASKernels/report``) and the kernels' name.
  let blasReport: String
  let blasCore: String
  /// Backstep's threads (``Parallel/cores``): its loops' and its products' blocks.
  let threads: Int

  static func current() -> Machine {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
      .flatMap { $0.split(separator: ":", maxSplits: 1).last }
      .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
    let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
    let vector = ["avx512f", "avx2", "avx"].first { flags.contains(" \($0) ") || flags.hasSuffix(" \($0)") } ?? "sse"
    return Machine(
      cpu: "\(model) (\(vector.uppercased()))",
      cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
      memoryGiB: Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30),
      loadAverage: (Self.loadAverage(), .nan),
      blasReport: BLASKernels.report,
      blasCore: BLASKernels.current,
      threads: Parallel.cores)
  }

  /// The 1-minute load average (how many processes wanted a core, on average).
  static func loadAverage() -> Double {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").first.flatMap { Double($0) } ?? .nan
  }
}

/// What the NumPy side reports about itself (`reference.py info`).
struct ReferenceInfo: Decodable {
  let numpy: String
  let python: String
  let config: String
  let core: String
  let threads: Int
}
