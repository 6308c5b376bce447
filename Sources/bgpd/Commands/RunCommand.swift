import ArgumentParser
import Foundation
import Logging

/// `bgpd run --config FILE`: the daemon, in the foreground, logging to stderr.
///
/// SIGTERM and SIGINT close every session with Cease/Administrative Shutdown and withdraw the
/// routes bgpd installed (unless `fib: {keep-on-exit: true}`); SIGHUP reloads the file, and a bad
/// file is reported with `FILE:LINE:COLUMN` while the daemon keeps running on its old config.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the daemon in the foreground.")

    @Option(help: "The configuration file (YAML).") var config: String
    @Option(help: "trace, debug, info, notice, warning, error or critical.") var logLevel: String = "info"
    @Option(help: "Override the configuration's pidfile path.") var pidfile: String?

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let cfg: Config
        switch loadConfigFile(config) {
        case .success(let c): cfg = c
        case .failure(let errors):
            FileHandle.standardError.write(Data((errors.formatted(file: config) + "\n").utf8))
            throw ExitCode(1)
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "bgpd")

        var pid: PidFile?
        if let path = pidfile ?? cfg.pidFile {
            do { pid = try PidFile(path: path) } catch {
                logger.critical("\(error)")
                throw ExitCode(1)
            }
        }
        defer { pid?.remove() }

        ProcessTitle.prepare()
        ProcessTitle.set(ProcessTitle.describe(cfg, path: config))
        let signals = Signals.stream()
        let daemon = Daemon(config: cfg, configPath: config, logger: logger)
        do { try await daemon.start() } catch {
            logger.critical("cannot start: \(error)")
            await daemon.shutdown()
            pid?.remove()
            throw ExitCode(1)
        }
        for await sig in signals {
            if sig == SIGHUP {
                logger.info("SIGHUP: reloading \(config)")
                await daemon.reload()
                if case .success(let c) = loadConfigFile(config) { ProcessTitle.set(ProcessTitle.describe(c, path: config)) }
            } else {
                logger.info("signal \(sig): stopping")
                break
            }
        }
        await daemon.shutdown()
        logger.info("stopped")
    }
}
