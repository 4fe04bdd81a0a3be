// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cachechat",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cachechat", targets: ["cachechat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C shims: typed wrappers only, no logic.
        .target(
            name: "CCurlShim",
            // libcurl is opened with dlopen at the first transfer (see CCurlShim.c).
            linkerSettings: [.linkedLibrary("dl")]
        ),
        .target(
            name: "CCursesShim",
            linkerSettings: [.linkedLibrary("ncursesw")]
        ),

        // Pure Swift cores.
        // The vocabulary ships as its tables (mapped and used in place, docs/DECISIONS.md 78);
        // the source file they are built from stays in the repository, out of the bundle.
        .target(name: "Tokenizer", exclude: ["Resources/deepseek-v4.vocab"],
                resources: [.copy("Resources/deepseek-v4.tables")]),
        // Number formats shared by the cores, the TUI and the CLI.
        .target(name: "Numbers"),
        .target(name: "ChatCore", dependencies: ["Tokenizer", "Numbers"]),
        .target(name: "ChatWire", dependencies: ["ChatCore"]),
        // Release builds skip the dynamic exclusivity checks in the per-cell drawing code:
        // they were a sixth of the CPU of streaming a reply (docs/DECISIONS.md 56). Debug
        // builds, which the tests run, keep them.
        .target(name: "TerminalUI", dependencies: ["Numbers"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),

        .target(name: "Emulator", dependencies: ["ChatCore", "ChatWire", "Tokenizer"]),
        .target(
            name: "EmulatorServer",
            dependencies: [
                "Emulator",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),

        // Backends.
        .target(name: "CurlTransport", dependencies: ["ChatWire", "CCurlShim"]),
        .target(name: "CursesTerminal", dependencies: ["TerminalUI", "CCursesShim"]),
        // Conversations, messages and the request ledger in SQLite (ChatCore's `ChatHistory`).
        // SQLite's C API, with the one macro Swift cannot call (SQLITE_TRANSIENT) wrapped.
        .target(name: "CSQLiteShim", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "History", dependencies: ["ChatCore", "CSQLiteShim"]),
        // Files people edit: config.toml, few-shot sets (TOML), and the TOML reader themes use.
        .target(name: "Config", dependencies: ["ChatCore", "ChatWire", .product(name: "TOMLKit", package: "TOMLKit")]),

        // The chat client: value state, update, view and a runtime over protocols only
        // (HTTPTransport, TerminalDevice, ChatHistory, Clock).
        .target(name: "App", dependencies: ["ChatCore", "ChatWire", "Config", "TerminalUI", "Tokenizer",
                                    .product(name: "TOMLKit", package: "TOMLKit")]),

        .executableTarget(
            name: "cachechat",
            dependencies: [
                "App", "ChatCore", "ChatWire", "Config", "CurlTransport", "CursesTerminal", "Emulator", "EmulatorServer",
                "History", "TerminalUI", "Tokenizer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The sample few-shot sets (the repository's fewshot/ is a link to this folder).
            resources: [.copy("Resources/fewshot")]
        ),

        .executableTarget(name: "curses-demo", dependencies: ["CursesTerminal", "TerminalUI"]),
        .executableTarget(name: "tokenizer-bench", dependencies: ["Tokenizer"]),
        .executableTarget(name: "tui-bench", dependencies: ["App", "ChatCore", "ChatWire", "Config", "CurlTransport", "Emulator",
                                                           "EmulatorServer", "History", "TerminalUI", "Tokenizer"]),
        .executableTarget(name: "store-crash-writer", dependencies: ["History", "ChatCore"]),
        // A long headless conversation that samples its own memory and descriptors (docs/FAULTS.md).
        .executableTarget(name: "soak", dependencies: ["App", "ChatCore", "ChatWire", "Config", "CurlTransport", "History", "TerminalUI"]),
        .executableTarget(name: "emulator-bench", dependencies: ["Emulator", "EmulatorServer", "ChatWire", "CurlTransport"]),
        // Cache-efficiency workloads through ChatSession against the emulator (docs/BENCHMARKS.md).
        .target(
            name: "Workloads",
            dependencies: ["App", "ChatCore", "ChatWire", "CurlTransport", "Emulator", "EmulatorServer", "History"]
        ),
        .executableTarget(name: "workload-bench", dependencies: ["Workloads", "ChatCore"]),

        .target(name: "TestSupport", dependencies: ["ChatWire"]),

        .testTarget(name: "ChatWireTests", dependencies: ["ChatWire", "TestSupport"]),
        .testTarget(name: "CurlTransportTests", dependencies: ["CurlTransport", "ChatWire", "TestSupport"]),
        .testTarget(name: "HistoryTests", dependencies: ["History", "ChatCore", "TestSupport", "store-crash-writer",
                                                         .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "ChatCore", "TestSupport"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "ChatCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ChatCoreTests", dependencies: ["ChatCore", "Tokenizer", "TestSupport"], resources: [.copy("Fixtures")]),
        // `cachechat` itself for the fast argument reader's tests against argument-parser.
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "ChatCore", "soak", "cachechat",
                                                     .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                                     .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AppTests", dependencies: ["App", "ChatCore", "ChatWire", "Config", "Emulator", "History", "TerminalUI", "TestSupport",
                                                     .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["__Snapshots__"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "TestSupport", "ChatCore", "Numbers"], exclude: ["__Snapshots__"]),
        .testTarget(name: "WorkloadTests", dependencies: ["Workloads", "App", "ChatCore"]),
        .testTarget(name: "CursesTerminalTests", dependencies: ["CursesTerminal", "TerminalUI", "TestSupport", "curses-demo"]),
        .testTarget(name: "FuzzTests", dependencies: ["ChatCore", "ChatWire", "Config", "App", "TerminalUI", "Tokenizer"]),
        .testTarget(name: "EmulatorTests", dependencies: ["Emulator", "EmulatorServer", "ChatCore", "ChatWire", "CurlTransport", "Tokenizer", "TestSupport",
                                                          .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]),
    ]
)
