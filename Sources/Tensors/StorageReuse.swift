#if canImport(Glibc)
  import Glibc
#endif

/// How the process's allocator treats tensor storage.
///
/// Every operation allocates a new result, and a graph step frees the ones it no
/// longer needs. glibc gives a large block fresh pages from the kernel (mmap) and
/// returns freed heap memory above 128 KiB at once, so a 1000×1000 element-wise
/// chain spent about a fifth of its time in page faults zeroing the same
/// megabytes again. Keeping blocks up to 32 MiB on the heap, and up to 256 MiB of
/// freed memory in the process, lets the next tensor reuse them. The price: freed
/// blocks stay resident, so a peak can be a block or so higher when they do not fit.
public enum StorageReuse {
  /// Tunes the allocator once per process; the executables call it at start-up
  /// (a library has no business changing its host's allocator).
  public static func prepare() { _ = tuned }

  private static let tuned: Bool = {
    #if canImport(Glibc)
      // mallopt is in <malloc.h>, which the Glibc module does not import: look it up.
      typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
      guard let symbol = dlsym(nil, "mallopt") else { return false }
      let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
      let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
      _ = mallopt(mmapThreshold, 32 << 20)
      _ = mallopt(trimThreshold, 256 << 20)
      return true
    #else
      return false
    #endif
  }()
}
