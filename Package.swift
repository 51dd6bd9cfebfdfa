// swift-tools-version: 6.1
import PackageDescription

// Dependencies point one way:
//   backstep → Shell → Language → Autodiff → Tensors → CBLAS, CZlib, VectorKernels (C)
//   Shell → CReadline, Language → CThreadStack, Autodiff → VectorKernels (a prefetch); the executables → CMimalloc
// The interpreter and the shell, built for release, leave out the run-time checks of exclusive
// access (an object's property read while it is being changed): their tests run with the checks
// on, and in release they ran seven times per small statement, 2% of its instructions (`make
// bench`, case 4). Only in targets no other package can depend on (SwiftPM refuses unsafe flags
// there).
let releaseWithoutAccessChecks: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
  name: "Backstep",
  products: [
    .library(name: "Tensors", targets: ["Tensors"]),
    .library(name: "Autodiff", targets: ["Autodiff"]),
    .executable(name: "backstep", targets: ["backstep"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),
    .systemLibrary(
      name: "CReadline",
      providers: [.apt(["libreadline-dev"])]
    ),
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]
    ),
    // The running thread's stack bounds (pthread_getattr_np), for the interpreter's stack guard.
    .systemLibrary(name: "CThreadStack"),
    // mimalloc serves every allocation of the executables (not of the libraries, whose host chooses).
    .systemLibrary(
      name: "CMimalloc",
      providers: [.apt(["libmimalloc-dev"])]
    ),
    // exp and tanh, vectorised, compiled for the baseline, AVX2 and AVX-512 (Tensors picks one);
    // a prefetch hint, for Autodiff's release of a long graph; a spin-wait pause and the CPUs the
    // process may use, for Tensors' worker pool.
    .target(name: "VectorKernels"),
    .target(name: "Tensors", dependencies: ["CBLAS", "CZlib", "VectorKernels"]),
    .target(name: "Autodiff", dependencies: ["Tensors", "VectorKernels"]),
    .target(name: "Language", dependencies: ["Autodiff", "Tensors", "CThreadStack"], swiftSettings: releaseWithoutAccessChecks),
    .target(name: "Shell", dependencies: ["Language", "Autodiff", "Tensors", "CReadline"], swiftSettings: releaseWithoutAccessChecks),
    .executableTarget(
      name: "backstep",
      dependencies: ["Shell", "Tensors", "CMimalloc", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    // `make bench`: the benchmark suite against NumPy (bench/reference.py), built in release mode.
    .executableTarget(name: "BackstepBench", dependencies: ["Language", "Autodiff", "Tensors", "CBLAS", "CMimalloc"]),
    // `make fuzz` builds this with libFuzzer; otherwise it replays inputs given as files.
    .executableTarget(name: "BackstepFuzz", dependencies: ["Shell", "Autodiff", "Tensors"]),
    .testTarget(name: "TensorsTests", dependencies: ["Tensors"], exclude: ["Fixtures"]),
    .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "Tensors"]),
    .testTarget(name: "LanguageTests", dependencies: ["Language", "Autodiff", "Tensors"]),
    .testTarget(name: "ShellTests", dependencies: ["Shell", "Language", "backstep"], exclude: ["Snapshots", "FuzzRegressions"]),
  ]
)
