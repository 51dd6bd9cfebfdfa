import Testing
import Tensors
@testable import Language

@Suite("The table of names")
struct NameTableTests {
  /// Random sets, updates and removals on a few names (so that probes collide and removals
  /// move entries back), checked after every step against a Dictionary doing the same.
  @Test func agreesWithADictionaryThroughRandomChanges() {
    var random = RandomGenerator(seed: 11)
    let names = (0..<40).map { $0 % 3 == 0 ? "w\($0)" : $0 % 3 == 1 ? "x" + String(repeating: "_", count: $0) : "θ\($0)" }
    var table = NameTable<Int>()
    var model: [String: Int] = [:]
    for step in 0..<4_000 {
      let name = names[Int(random.uniform() * Double(names.count))]
      if random.uniform() < 0.4 {
        #expect(table.removeValue(forKey: name) == model.removeValue(forKey: name), "step \(step)")
      } else {
        #expect(table.updateValue(step, forKey: name) == model.updateValue(step, forKey: name), "step \(step)")
      }
      #expect(table.count == model.count)
      for candidate in names where table[candidate] != model[candidate] {
        Issue.record("step \(step): \(candidate) is \(String(describing: table[candidate])), not \(String(describing: model[candidate]))")
      }
    }
    #expect(Dictionary(uniqueKeysWithValues: table.map { ($0.key, $0.value) }) == model)
    #expect(Set(table.keys) == Set(model.keys))
    #expect(table.values.sorted() == model.values.sorted())
  }

  @Test func assigningNilRemovesAName() {
    var table = NameTable([("a", 1), ("b", 2), ("a", 3)])
    #expect(table.count == 2 && table["a"] == 3)
    table["a"] = nil
    #expect(table["a"] == nil && table["b"] == 2 && table.count == 1)
    #expect(NameTable<Int>()["a"] == nil && NameTable<Int>().isEmpty)
  }
}
