import Tensors

/// One parameter of an op, other than its tensor inputs.
public enum Attribute: Hashable, Sendable {
  case int(Int)
  case ints([Int])
  case bool(Bool)
  case double(Double)
  case string(String)
  case index([IndexItem])
}

/// The named parameters of one application of a rule: `axis=1, keepdims=true`.
///
/// Kept as an ordered list so that they print in the order the rule declares.
public struct Attributes: Hashable, Sendable {
  /// The parameters in declaration order.
  public private(set) var entries: [(name: String, value: Attribute)]

  /// No parameters.
  public static let none = Attributes([])

  public init(_ entries: [(name: String, value: Attribute)]) {
    self.entries = entries
  }

  public subscript(name: String) -> Attribute? {
    entries.first { $0.name == name }?.value
  }

  public func int(_ name: String) -> Int? {
    if case .int(let v)? = self[name] { v } else { nil }
  }

  public func ints(_ name: String) -> [Int]? {
    if case .ints(let v)? = self[name] { v } else { nil }
  }

  public func bool(_ name: String) -> Bool {
    if case .bool(let v)? = self[name] { v } else { false }
  }

  public func string(_ name: String) -> String? {
    if case .string(let v)? = self[name] { v } else { nil }
  }

  public func index(_ name: String) -> [IndexItem]? {
    if case .index(let v)? = self[name] { v } else { nil }
  }

  public static func == (lhs: Attributes, rhs: Attributes) -> Bool {
    lhs.entries.count == rhs.entries.count
      && zip(lhs.entries, rhs.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
  }

  public func hash(into hasher: inout Hasher) {
    for entry in entries {
      hasher.combine(entry.name)
      hasher.combine(entry.value)
    }
  }
}
