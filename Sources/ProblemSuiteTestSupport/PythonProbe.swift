import Foundation

/// Why `python3` with NumPy cannot run here (the tests of the Python client and of
/// external solvers skip with this reason), or `nil` when it can. Probed once.
public let pythonWithNumPyUnavailable: String? = {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import numpy"]
    p.standardError = FileHandle.nullDevice
    do { try p.run(); p.waitUntilExit() } catch { return "python3 is not available" }
    return p.terminationStatus == 0 ? nil : "python3 with numpy is not available"
}()
