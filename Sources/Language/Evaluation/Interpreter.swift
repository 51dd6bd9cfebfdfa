import Autodiff
import Tensors

/// Runs statements against a session's variables.
///
/// A statement either completes or leaves everything as it was: assignments are
/// made only once the whole statement has succeeded, and a failure restores the
/// variables and the random generator.
public final class Interpreter {
  /// The session's variables.
  public private(set) var globals = NameTable<Value>()
  /// The random generator behind `rand`, `randn`; `seed(n)` resets it.
  public var random = RandomGenerator(seed: 0)
  /// Runs a `:command` met in the source.
  public var commandHandler: ((CommandCall) throws(EvaluationError) -> CommandOutput)?
  /// How deep user functions may call each other.
  public var maximumCallDepth = 200
  /// Called for every operation as it is evaluated (`:trace`); nil when nobody watches.
  public var tracer: ((TraceEvent) -> Void)?
  /// Asked between statements and operations: true once the learner pressed Ctrl-C.
  public var isInterrupted: () -> Bool = { false }
  /// The most bytes the session's variables may hold together (their values; graphs are not counted).
  public var sessionByteLimit = 8 << 30
  /// Whether statements may read and write files (`load`, `:save`, `:transcript`); off for the fuzzer.
  public var allowsFileAccess = true
  /// Told after each iteration of a top-level loop (for a progress bar).
  public var loopProgress: ((LoopProgress) -> Void)?
  /// Anomaly mode's detector and findings; nil while it is off (`detectsAnomalies`).
  var anomalyWatch: AnomalyWatch?

  /// The state after the last completed iteration of the top-level loop being run:
  /// an interrupted loop keeps it instead of rolling back.
  private var completedIteration: (globals: NameTable<Value>, random: RandomGenerator, iterations: Int)?

  /// How to take back what the running top-level statement did to `globals`: each name's
  /// value before the statement first changed it (nil: it did not exist), or the whole table
  /// when the statement replaced it (`:clear`). A statement that succeeds never copies the
  /// table; one that fails is undone from here. Emptied after each statement, keeping its capacity.
  private var undoLog: [UndoEntry] = []
  /// Whether a top-level statement is running, so that changes to the globals are noted in ``undoLog``.
  private var isNotingChanges = false
  /// The bytes of the tensors the globals hold, a value held by two names counted twice; kept
  /// up to date as they change, so that checking the session's size after a statement is free.
  private(set) var globalBytesUpperBound = 0

  private enum UndoEntry {
    case variable(String, Value?)
    case table(NameTable<Value>)
    /// Puts back state outside the variables (a setting a command changed).
    case action(() -> Void)
  }

  /// Registers how to put back a change the running statement makes outside the variables (`:set`
  /// inside a block that then fails): a failed statement changes nothing.
  public func noteUndo(_ restore: @escaping () -> Void) {
    if isNotingChanges { undoLog.append(.action(restore)) }
  }

  /// Local variables of the functions being called, innermost last.
  var frames: [[String: Value]] = []
  /// The stack of the thread running statements, measured when a run starts on a new thread.
  var stackGuard = StackGuard()
  /// The text being run, for quoting arguments in notes.
  var source = SourceText("")
  /// The line of the last top-level statement run, where finding the next one's starts: a script
  /// run a line at a time goes on from it (a line of another text only makes the search longer).
  private var lastStatementLine = 1
  /// Notes gathered while evaluating the current statement.
  var notes: [String] = []
  /// What `print` wrote while the current statement ran.
  var printed: [String] = []
  /// Shows a line `print` wrote as soon as it is written (a terminal, so that a long loop's
  /// prints appear as it runs); the line also stays in the statement's record.
  public var printHandler: ((String) -> Void)?
  /// Whether `grad` has handed out a gradient yet: until then no assignment can be an
  /// optimizer step, and the graph need not be searched for one.
  var hasHandedOutGradients = false
  /// What the commands inside the current statement's loops and branches showed.
  var blockOutputs: [CommandOutput] = []

  /// Every built-in by name.
  /// Named numbers, NumPy's np.inf, np.nan and np.pi; a variable of the same name hides one.
  public static let constants: [String: Double] = ["inf": .infinity, "nan": .nan, "pi": .pi]
  public static let builtins: [String: Builtin] = Dictionary(
    BuiltinTable.all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
  /// Every built-in as a callable value, made once rather than at each call. Never mutated, and
  /// its closures capture only their (Sendable) built-in; `Function` is not Sendable because a
  /// user function's closure captures its interpreter.
  nonisolated(unsafe) static let builtinFunctions = NameTable(builtins.map { ($0.key, $0.value.function) })

  public init() {}

  /// Runs source text that holds complete statements: one record per top-level statement.
  /// A syntax error gives a single failed record and runs nothing.
  public func run(_ text: SourceText) -> [Record] {
    run(text, parsed: Result { () throws(SyntaxError) in try Parser.parse(text) })
  }

  /// Runs source text already parsed (the shell parses each line once, to know whether it is complete).
  public func run(_ text: SourceText, parsed: Result<[Statement], SyntaxError>) -> [Record] {
    var records: [Record] = []
    if case .success(let statements) = parsed { records.reserveCapacity(statements.count) }
    run(text, parsed: parsed) { (record: consuming Record) in records.append(record) }
    return records
  }

  /// Runs source text already parsed, handing each statement's record to `each` as soon as the
  /// statement ends (a shell shows it then, before the next statement of the line runs).
  public func run(_ text: SourceText, parsed: Result<[Statement], SyntaxError>, each: (consuming Record) -> Void) {
    source = text
    if !stackGuard.isForCurrentThread { stackGuard = StackGuard() }
    switch parsed {
    case .success(let statements):
      // By index: iterating the array would copy each statement out of it first.
      for index in statements.indices { each(runTopLevel(statements[index])) }
    case .failure(let error):
      let line = text.line(of: error.range.start)
      each(Record(line: line, source: text.line(line), outcome: .failure(error.diagnostic), notes: []))
    }
  }

  /// Runs a script as `reader` reads it (a line's statements once the whole line has parsed),
  /// handing each statement's record to `each` as the statement ends. Returns true at the end of
  /// the script; false before running a line whose statements `stopsBefore` is true of (they are
  /// left in `reader`); throws the error of a line that fails to parse, having run none of it.
  public func run(
    _ reader: inout ScriptReader, stoppingBefore stopsBefore: ([Statement]) -> Bool = { _ in false },
    each: (consuming Record) -> Void
  ) throws(SyntaxError) -> Bool {
    source = reader.source
    if !stackGuard.isForCurrentThread { stackGuard = StackGuard() }
    while try reader.readLine() {
      if stopsBefore(reader.statements) { return false }
      for index in reader.statements.indices { each(runTopLevel(reader.statements[index])) }
    }
    return true
  }

  /// Sets a variable directly (lessons and tests).
  public func define(_ name: String, _ value: Value) {
    setGlobal(name, value)
  }

  /// The value of a variable, if it exists.
  public func lookup(_ name: String) -> Value? {
    frames.last?[name] ?? globals[name]
  }

  /// Removes every variable and resets the random generator.
  public func clear() {
    replaceGlobals(NameTable())
    random = RandomGenerator(seed: 0)
  }

  /// Sets a global, noting its old value the first time the running statement changes it.
  private func setGlobal(_ name: String, _ value: Value) {
    let old = globals.updateValue(value, forKey: name)
    globalBytesUpperBound += Self.bytes(of: value) - Self.bytes(of: old)
    // A linear search: a statement changes a few names, and a loop changes the same ones again.
    if isNotingChanges, !undoLog.contains(where: { if case .variable(name, _) = $0 { true } else { false } }) {
      undoLog.append(.variable(name, old))
    }
  }

  /// Replaces every global at once, noting the old table for the running statement.
  private func replaceGlobals(_ table: NameTable<Value>) {
    if isNotingChanges { undoLog.append(.table(globals)) }
    globals = table
    recountGlobalBytes()
  }

  /// Takes back the running statement's changes to the globals, newest first.
  private func undoStatement() {
    for entry in undoLog.reversed() {
      switch entry {
      case let .variable(name, value): globals[name] = value
      case .table(let table): globals = table
      case .action(let restore): restore()
      }
    }
    recountGlobalBytes()
  }

  private func recountGlobalBytes() {
    globalBytesUpperBound = globals.values.reduce(0) { $0 + Self.bytes(of: $1) }
  }

  /// The bytes of a tensor's elements; nothing for other values.
  private static func bytes(of value: Value?) -> Int {
    if case .tensor(let v)? = value { v.value.count * MemoryLayout<Double>.size } else { 0 }
  }

  // MARK: - Statements

  /// The statement's notes, each once (a loop notes the same thing in every iteration).
  private var distinctNotes: [String] {
    guard notes.count > 1 else { return notes }
    var seen = Set<String>()
    return notes.filter { seen.insert($0).inserted }
  }

  private func runTopLevel(_ statement: Statement) -> Record {
    let savedRandom = random
    isNotingChanges = true
    defer {
      isNotingChanges = false
      // Removed one by one, not by `removeAll(keepingCapacity:)`, which runs the standard library's
      // unspecialized replaceSubrange (500 instructions to empty a log of one entry), nor by
      // `popLast()`, whose discarded Optional is destroyed through generic value witnesses.
      while !undoLog.isEmpty { undoLog.removeLast() }
    }
    notes = []
    printed = []
    let line = source.line(of: statement.range.start, from: lastStatementLine)
    lastStatementLine = line
    completedIteration = nil
    blockOutputs = []
    defer { completedIteration = nil }
    do {
      // The statement reaches `execute` as the closure's argument, not captured: a capture copies it.
      var outcome = try detectingAnomalies(in: statement) { (statement) throws(EvaluationError) in
        try execute(statement, topLevel: true)
      }
      if case .nothing = outcome, !blockOutputs.isEmpty {
        outcome = .command(CommandOutput(
          text: blockOutputs.map(\.text).filter { !$0.isEmpty }.joined(separator: "\n"), data: .array(blockOutputs.map(\.data))))
      }
      try checkSessionSize(at: statement.range)
      return Record(
        line: line, text: source, range: statement.range, outcome: outcome, notes: distinctNotes,
        isSilenced: endsWithSemicolon(statement), printed: printed)
    } catch {
      frames = []
      if error.isInterruption, let completed = completedIteration {
        // Ctrl-C in a loop keeps the work of the iterations that finished.
        replaceGlobals(completed.globals)
        random = completed.random
        notes.append("interrupted: the variables are as they were after \(completed.iterations) completed iteration\(completed.iterations == 1 ? "" : "s")")
      } else {
        undoStatement()
        random = savedRandom
      }
      return Record(
        line: line, text: source, range: statement.range, outcome: .failure(error.diagnostic), notes: distinctNotes,
        printed: printed)
    }
  }

  /// Whether `;` closes the statement's line (`x = randn(32, 3);`), which hides its value.
  private func endsWithSemicolon(_ statement: Statement) -> Bool {
    let utf8 = source.utf8
    var position = statement.range.end
    func skipSpaces() {
      while position < utf8.count, utf8[position] == UInt8(ascii: " ") || utf8[position] == UInt8(ascii: "\t") { position += 1 }
    }
    skipSpaces()
    guard position < utf8.count, utf8[position] == UInt8(ascii: ";") else { return false }
    position += 1
    skipSpaces()
    return position == utf8.count || source.isLineBreak(at: position) || utf8[position] == UInt8(ascii: "#")
  }

  /// The result of running statements inside a block: go on, or a `return` with its value.
  enum Flow {
    case normal
    case returned(Value)
  }

  @discardableResult
  func execute(_ statement: Statement, topLevel: Bool = false) throws(EvaluationError) -> Outcome {
    try checkInterruption(at: statement.range)
    switch statement.kind {
    case .expression(let expr):
      // Python's list.append changes the list; here append returns a new tensor, so a bare
      // `q.append(x)` would do nothing at all.
      if case let .call(callee, arguments) = expr.kind, case let .attribute(base, "append", _) = callee.kind,
        case .name(let list) = base.kind
      {
        let value = arguments.first.map { source[$0.value.range] } ?? "x"
        throw EvaluationError(
          "`\(list).append(…)` would change nothing: append returns a new tensor", at: expr.range,
          hint: "write \(list) = append(\(list), \(value))")
      }
      let value = try materialize(evaluate(expr), at: expr.range)
      return .value(name: nil, value)

    case let .update(target, expr):
      let before = lookup(target.text)
      switch before {
      case .tensor?, nil: break  // an unknown name fails as it is evaluated
      case let other?:
        // A tuple or a list would be stacked into a tensor: not an update of the same thing.
        throw EvaluationError(
          "`\(target.text)` is \(other.kindDescription): an update (`\(source[statement.range])`) changes a tensor", at: statement.range,
          hint: "write it out if a new value is meant: \(target.text) = …")
      }
      let value = try assignedValue(expr)
      // A number may grow into a tensor (`s = 0`, then `s += v` sums vectors, as with Python's 0).
      if case .tensor(let old)? = before, !old.shape.isEmpty, case .tensor(let new) = value, old.shape != new.shape,
        case let .binary(op, _, operand, _) = expr.kind
      {
        throw EvaluationError(
          "`\(target.text) \(op.symbol)= \(source[operand.range])` would turn \(target.text) \(Shape.text(old.shape)) into "
            + "\(Shape.text(new.shape)): an update keeps the shape",
          at: statement.range,
          hint: "as NumPy's and PyTorch's in-place operators do; if a new tensor is meant, write \(target.text) = \(target.text) \(op.symbol) …")
      }
      return .value(name: target.text, assign(target.text, try materialize(value, at: expr.range)))

    case let .assign(targets, expr):
      let value = try assignedValue(expr)
      if targets.count == 1 {
        let stored = assign(targets[0].text, try materialize(value, at: expr.range))
        return .value(name: targets[0].text, stored)
      }
      guard case .tuple(let items) = value, items.count == targets.count else {
        throw EvaluationError(
          "cannot unpack \(value.kindDescription) into \(targets.count) names", at: expr.range,
          hint: "the right side must give exactly \(targets.count) values, like lstm_cell's (h, c)")
      }
      let values = try items.map { (item: Value) throws(EvaluationError) in try materialize(item, at: expr.range) }
      let stored = zip(targets, values).map { (name: $0.text, value: assign($0.text, $1)) }
      return .assignment(stored)

    case let .command(name, arguments, range):
      guard let commandHandler else {
        throw EvaluationError(":\(name) is a shell command; it cannot run here", at: statement.range)
      }
      return .command(try commandHandler(CommandCall(name: name, arguments: arguments, argumentsRange: range, range: statement.range)))

    case let .functionDefinition(name, parameters, body):
      assign(name.text, .function(userFunction(name: name.text, parameters: parameters.map(\.text), body: body)))
      return .nothing

    case .forLoop, .ifElse, .return:
      if case .returned = try executeBlock([statement]), topLevel {
        throw EvaluationError("`return` outside a function", at: statement.range)
      }
      return .nothing
    }
  }

  /// The value of an assignment's right side. W = W - lr * grad(L, W) (or - lr * dW) is an
  /// optimizer step: the new W is data, as under torch.no_grad(), so each training iteration
  /// builds its own graph and the old ones are freed.
  private func assignedValue(_ expr: Expr) throws(EvaluationError) -> Value {
    let value: Value =
      if hasHandedOutGradients, let step = try evaluateOptimizerStep(expr) { .tensor(step) } else { try evaluate(expr) }
    if hasHandedOutGradients, case .tensor(let v) = value, !v.isGradient, Self.isOptimizerStep(v) {
      return .tensor(.constant(v.value))
    }
    return value
  }

  /// Runs statements in order until one returns.
  func executeBlock(_ statements: [Statement]) throws(EvaluationError) -> Flow {
    for statement in statements {
      switch statement.kind {
      case .return(let expr):
        return .returned(try expr.map { (e: Expr) throws(EvaluationError) in try materialize(evaluate(e), at: e.range) } ?? .none)
      case let .ifElse(condition, then, otherwise):
        let value = try evaluate(condition)
        let taken = try Conversion.bool(value, at: condition.range, purpose: "the condition of `if`")
        if case .returned(let v) = try executeBlock(taken ? then : (otherwise ?? [])) { return .returned(v) }
      case let .forLoop(variable, start, end, inclusive, body):
        let from = try Conversion.integer(evaluate(start), at: start.range, purpose: "the start of the range")
        let to = try Conversion.integer(evaluate(end), at: end.range, purpose: "the end of the range")
        let last = inclusive ? to : to - 1
        guard from <= last else { continue }
        let outermost = frames.isEmpty && completedIteration == nil
        for i in from...last {
          assign(variable.text, .number(Double(i)))
          do {
            if case .returned(let v) = try executeBlock(body) { return .returned(v) }
            try checkAnomaly()
          } catch var error {
            if !error.isInterruption { error.message += " (in iteration \(variable.text) = \(i))" }
            throw error
          }
          if outermost {
            completedIteration = (globals, random, i - from + 1)
            loopProgress?(LoopProgress(completed: i - from + 1, total: last - from + 1, latest: latestScalar(in: body)))
          }
        }
      default:
        // What a command inside a loop or a branch shows is gathered for the statement's record.
        if case .command(let output) = try execute(statement) { blockOutputs.append(output) }
      }
    }
    return .normal
  }

  /// Binds a name in the current scope; returns the value as stored.
  @discardableResult
  func assign(_ name: String, _ value: Value) -> Value {
    let stored = Self.bindable(value, as: name, labelling: frames.isEmpty)
    if frames.isEmpty {
      setGlobal(name, stored)
    } else {
      frames[frames.count - 1][name] = stored
    }
    return stored
  }

  /// A value as a name holds it: new data becomes a leaf that gradients can reach,
  /// and a tensor without a name yet takes this one (graphs show the learner's names).
  /// Function parameters are not labels: only session-level names are shown in graphs.
  static func bindable(_ value: Value, as name: String, labelling: Bool = true) -> Value {
    guard case .tensor(let v) = value else { return value }
    if v.isLeaf && !v.requiresGradient {
      let leaf = Variable(v.value)
      if labelling { leaf.label = name }
      return .tensor(leaf)
    }
    if labelling && v.label == nil { v.label = name }
    return value
  }

  /// A list literal becomes a tensor when it is stored or shown.
  func materialize(_ value: Value, at range: SourceRange) throws(EvaluationError) -> Value {
    if case .list = value { return .tensor(try Conversion.tensor(value, at: range, purpose: "a list")) }
    return value
  }
}

extension Interpreter {
  /// Takes over another interpreter's variables and random state (a script `:load`ed in its own session).
  public func adopt(from other: Interpreter) {
    replaceGlobals(other.globals)
    hasHandedOutGradients = hasHandedOutGradients || other.hasHandedOutGradients
    random = other.random
    detectsAnomalies = other.detectsAnomalies
  }
}
