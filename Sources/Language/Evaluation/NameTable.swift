/// Values by name: the session's variables and the built-ins, looked up every time an
/// expression reads a name.
///
/// A `Dictionary` hashes each name with SipHash, 5% of the cost of a small statement
/// (`make bench`, case 4); names are short and chosen by the learner, so this table hashes them
/// with FNV-1a over their UTF-8 bytes and probes linearly, in a power-of-two array at most
/// three-quarters full. Iteration order is unspecified, as a dictionary's.
public struct NameTable<Value>: Sequence {
  // Names and values in parallel arrays: probing compares names without copying values.
  private var names: [String?] = []
  private var entries: [Value?] = []
  /// The number of names in the table.
  public private(set) var count = 0

  /// An empty table.
  public init() {}

  /// A table holding `pairs`; a name given twice keeps its last value.
  public init(_ pairs: some Sequence<(String, Value)>) {
    for (name, value) in pairs { self[name] = value }
  }

  public var isEmpty: Bool { count == 0 }

  /// The value of `name`, or nil; assigning nil removes the name.
  public subscript(name: String) -> Value? {
    get {
      guard let index = find(name).found else { return nil }
      return entries[index]
    }
    set {
      if let newValue { updateValue(newValue, forKey: name) } else { removeValue(forKey: name) }
    }
  }

  /// Sets the value of `name`; returns its value before, if it had one.
  @discardableResult
  public mutating func updateValue(_ value: consuming Value, forKey name: String) -> Value? {
    if names.isEmpty || (count + 1) * 4 > names.count * 3 { grow() }
    let (found, free) = find(name)
    // The value is moved in and the old one out (swapped), neither copied.
    var entry: Value? = consume value
    if let found {
      swap(&entry, &entries[found])
      return entry
    }
    names[free] = name
    swap(&entry, &entries[free])
    count += 1
    return nil
  }

  /// Removes `name`; returns its value, if it had one.
  @discardableResult
  public mutating func removeValue(forKey name: String) -> Value? {
    guard var hole = find(name).found else { return nil }
    let old = entries[hole]
    names[hole] = nil
    entries[hole] = nil
    count -= 1
    // Moves back the entries after the hole that probing could no longer reach (no tombstones).
    let mask = names.count - 1
    var index = (hole + 1) & mask
    while let name = names[index] {
      let home = Self.hash(name) & mask
      // The entry stays unless its home is cyclically outside (hole, index].
      if (index - home) & mask >= (index - hole) & mask {
        names.swapAt(hole, index)
        entries.swapAt(hole, index)
        hole = index
      }
      index = (index + 1) & mask
    }
    return old
  }

  /// The names, in no particular order.
  public var keys: [String] { names.compactMap { $0 } }
  /// The values, in no particular order.
  public var values: [Value] { entries.compactMap { $0 } }

  public func makeIterator() -> some IteratorProtocol<(key: String, value: Value)> {
    zip(names, entries).lazy.compactMap { name, value in
      if let name, let value { (key: name, value: value) } else { nil }
    }.makeIterator()
  }

  // MARK: - Probing

  /// The slot holding `name`, or else the free slot where it would go (an empty table has none).
  private func find(_ name: String) -> (found: Int?, free: Int) {
    guard !names.isEmpty else { return (nil, 0) }
    let mask = names.count - 1
    var index = Self.hash(name) & mask
    while let other = names[index] {
      if other == name { return (index, index) }
      index = (index + 1) & mask
    }
    return (nil, index)
  }

  private mutating func grow() {
    let old = zip(names, entries)
    let capacity = Swift.max(8, names.count * 2)
    names = Array(repeating: nil, count: capacity)
    entries = Array(repeating: nil, count: capacity)
    count = 0
    for case let (name?, value?) in old { updateValue(value, forKey: name) }
  }

  /// FNV-1a of the name's UTF-8 bytes.
  private static func hash(_ name: String) -> Int {
    func fnv(_ bytes: some Sequence<UInt8>) -> Int {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
      return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
    // Every native string, small or not, lends its bytes; iterating the view is the fallback.
    return name.utf8.withContiguousStorageIfAvailable(fnv) ?? fnv(name.utf8)
  }
}
