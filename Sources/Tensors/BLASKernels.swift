import CBLAS
import VectorKernels

#if canImport(Glibc)
  import Glibc
#endif

/// The kernels OpenBLAS runs Backstep's matrix products with, and the choice Backstep makes
/// when OpenBLAS does not know the processor.
///
/// An OpenBLAS built with DYNAMIC_ARCH picks its kernels when it loads, by processor model.
/// Releases older than the processor (Debian 12 has 0.3.21, from 2022) do not find its model
/// and fall back to Prescott's kernels (SSE3, 2004), which run matrix products at a fifth of
/// the speed of the AVX-512 ones on this project's machines. Newer releases fall back by the
/// instruction sets the processor reports; ``chooseForThisProcessor()`` does the same.
public enum BLASKernels {
  /// The name OpenBLAS gives the kernels it runs: "SkylakeX", "Haswell", "Prescott", ….
  public static var current: String {
    openblas_get_corename().map { String(cString: $0) } ?? "unknown"
  }

  /// What ``chooseForThisProcessor()`` did.
  public enum Choice: Equatable, Sendable {
    /// OpenBLAS's own choice stands: it knew the processor, it was told
    /// (`OPENBLAS_CORETYPE`), or nothing better runs here.
    case kept(String)
    /// OpenBLAS had fallen back to `from`; it now runs `to`.
    case replaced(from: String, to: String)
  }

  /// OpenBLAS's configuration with the kernels it runs, and whose choice they are:
  /// "OpenBLAS 0.3.21 … SkylakeX MAX_THREADS=64; SkylakeX kernels, chosen by Backstep (…)".
  public static var report: String {
    let configuration = openblas_get_config().map { String(cString: $0).split(separator: " ").joined(separator: " ") } ?? "OpenBLAS"
    let whose: String
    switch choice {
    case .kept:
      if let asked = getenv("OPENBLAS_CORETYPE").map({ String(cString: $0) }) {
        // OpenBLAS runs some kernels when it does not know the name (0.3.21: Cooperlake's).
        whose = asked.lowercased() == current.lowercased()
          ? "as OPENBLAS_CORETYPE says" : "OpenBLAS's choice: OPENBLAS_CORETYPE=\(asked) names no kernels it knows"
      } else {
        whose = "OpenBLAS's choice"
      }
    case .replaced(let fallback, _):
      whose = "chosen by Backstep for this processor (OpenBLAS did not know its model and fell back to \(fallback))"
    }
    return "\(configuration); \(current) kernels, \(whose)"
  }

  /// What the process chose at its start (``chooseForThisProcessor()``), for reports.
  nonisolated(unsafe) public private(set) static var choice = Choice.kept(current)

  /// Replaces OpenBLAS's fallback kernels with those the processor can run: AVX-512's
  /// ("SkylakeX", as NumPy's own OpenBLAS picks on such a processor) or AVX2's ("Haswell").
  ///
  /// Call it once, first thing in `main`, before any matrix product and before starting
  /// threads: the kernels are swapped under OpenBLAS's feet, and the swap goes through the
  /// environment variable OpenBLAS reads. A kernel set named in `OPENBLAS_CORETYPE` is never
  /// overridden (that is how a user, or a machine whose processor misleads OpenBLAS, pins one).
  @discardableResult
  public static func chooseForThisProcessor() -> Choice {
    let before = current
    guard getenv("OPENBLAS_CORETYPE") == nil, before == "Prescott" else { return record(.kept(before)) }
    let target: String
    switch backstep_vector_level() {
    case 3: target = "SkylakeX"
    case 2: target = "Haswell"
    default: return record(.kept(before))
    }
    setenv("OPENBLAS_CORETYPE", target, 1)
    defer { unsetenv("OPENBLAS_CORETYPE") }  // programs started from the shell choose for themselves
    guard backstep_reselect_openblas_kernels() != 0 else { return record(.kept(before)) }
    let after = current
    return record(after == before ? .kept(before) : .replaced(from: before, to: after))
  }

  private static func record(_ made: Choice) -> Choice {
    choice = made
    return made
  }
}
