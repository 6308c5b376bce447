/// One problem in a configuration file, with the place it was found.
///
/// Printed as `FILE:LINE:COLUMN: message`, the form compilers use, so editors jump to it.
struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1-based; 0 when the problem has no place (an empty file).
    var line: Int
    var column: Int
    var message: String

    init(line: Int, column: Int, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    var description: String { "\(line):\(column): \(message)" }

    /// The full form with the file name in front.
    func formatted(file: String) -> String { "\(file):\(line):\(column): \(message)" }
}

/// All the problems of one configuration; thrown by `ConfigLoader.load`.
struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    var errors: [ConfigError]
    var description: String { errors.map(\.description).joined(separator: "\n") }

    func formatted(file: String) -> String {
        errors.map { $0.formatted(file: file) }.joined(separator: "\n")
    }
}
