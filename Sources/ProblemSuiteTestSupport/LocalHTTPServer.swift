import Foundation

/// A static-file HTTP server on 127.0.0.1 for tests (Python's `http.server` on a free
/// port chosen by the system). Stopped by ``stop()``, which ends only this process.
public final class LocalHTTPServer: @unchecked Sendable {
    /// The base URL, `http://127.0.0.1:PORT`.
    public let baseURL: String
    private let process: Process

    /// Serves `directory`.
    /// - Throws: if python3 is missing or the server does not announce its port within 10 s.
    public init(directory: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        var port: String?
        while port == nil && Date() < deadline && p.isRunning {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { Thread.sleep(forTimeInterval: 0.05); continue }
            text += String(decoding: data, as: UTF8.self)
            if let r = text.range(of: "port ") {
                let digits = text[r.upperBound...].prefix { $0.isNumber }
                if !digits.isEmpty { port = String(digits) }
            }
        }
        guard let port else {
            if p.isRunning { p.terminate() }
            throw NSError(domain: "LocalHTTPServer", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "http.server did not start: \(text)"])
        }
        baseURL = "http://127.0.0.1:\(port)"
    }

    /// Ends the server process.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
