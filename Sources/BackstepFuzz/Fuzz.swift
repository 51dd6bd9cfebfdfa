// The fuzz target: every input is run as a script through the whole statement
// pipeline (parse → evaluate → print), once as text and once under --json.
//
// Built by `make fuzz` with libFuzzer (-sanitize=fuzzer, -DFUZZING); a normal
// build gives a replayer that runs the files named on its command line, which
// is how a crash found by the fuzzer becomes a reproducible case.

import Autodiff
import Foundation
import Shell
import Tensors

/// Runs one input through a fresh session in both output modes.
func exercise(_ text: String) {
  // Small tensors and graphs only: the fuzzer looks for crashes, not for memory exhaustion.
  Shape.byteLimit = 1 << 24
  GraphMemory.limit = 1 << 28
  for json in [false, true] {
    let session = Session(options: .init(json: json)) { _ in }
    session.interpreter.allowsFileAccess = false
    session.runScript(text)
  }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  exercise(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
  return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

// SwiftPM links an executable target to `<Target>_main`: hand control to libFuzzer's driver there.
@_cdecl("BackstepFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return runFuzzerDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
#else
/// Replays inputs (a crash the fuzzer saved, or a corpus) given as files.
@main
struct Replay {
  static func main() {
    for path in CommandLine.arguments.dropFirst() {
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
        exit(2)
      }
      exercise(text)
      print("ok \(path)")
    }
  }
}
#endif
