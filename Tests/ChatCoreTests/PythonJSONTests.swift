@testable import ChatCore
import Testing

/// Python `json.dumps(json.loads(x), ensure_ascii=False)` outputs, checked with CPython 3.11.
@Suite struct PythonJSONTests {
    @Test(arguments: [
        (#"{"a":1,"b":[1,2.50,-0,1e21,1E-5,0.0001,1e16,1e15,123.456e2]}"#,
         #"{"a": 1, "b": [1, 2.5, 0, 1e+21, 1e-05, 0.0001, 1e+16, 1000000000000000.0, 12345.6]}"#),
        (#"{"s":"q\"\\\n\t\u0001\u00e9\ud83d\ude00/","t":true,"n":null,"o":{}}"#,
         "{\"s\": \"q\\\"\\\\\\n\\t\\u0001é😀/\", \"t\": true, \"n\": null, \"o\": {}}"),
        (#"{"k":1,"k":2,"j":[]}"#, #"{"k": 2, "j": []}"#),
        (#"[-0.0, 3.0, 1.5e300, 2e-7]"#, #"[-0.0, 3.0, 1.5e+300, 2e-07]"#),
    ])
    func roundTrip(_ input: String, _ expected: String) {
        #expect(PythonJSON.parse(input)?.pythonDumps() == expected)
    }

    @Test func invalidJSONBecomesAnArgumentsString() {
        #expect(PythonJSON.parse("{nope") == nil)
        #expect(DSML.parameters("{nope") == #"<｜DSML｜parameter name="arguments" string="true">{nope</｜DSML｜parameter>"#)
    }

    /// Strict (state.json's reader) refuses what JSONDecoder reads differently; the default
    /// reads it as Python does.
    @Test(arguments: [#"{"k":1,"k":2}"#, #"["\ud800"]"#, #"["\udc00x"]"#])
    func strictRefusesWhatJSONDecoderReadsDifferently(_ input: String) {
        #expect(PythonJSON.parse(input) != nil)
        #expect(PythonJSON.parse(bytes: Array(input.utf8), strict: true) == nil)
    }

    @Test func strictRefusesBytesThatAreNotUTF8() {
        let bytes: [UInt8] = Array(#"["a"#.utf8) + [0xFF, 0xFE] + Array(#""]"#.utf8)
        #expect(PythonJSON.parse(bytes: bytes, strict: false) != nil)
        #expect(PythonJSON.parse(bytes: bytes, strict: true) == nil)
        #expect(PythonJSON.parse(bytes: Array(#"{"é":"😀"}"#.utf8), strict: true) != nil)
    }

    /// A hostile document (tool-call arguments from a server, a state file) cannot exhaust
    /// the stack: nesting past `maxDepth` is not JSON here, up to it is.
    @Test func nestingIsBounded() {
        let deep = PythonJSON.maxDepth
        #expect(PythonJSON.parse(String(repeating: "[", count: deep) + String(repeating: "]", count: deep)) != nil)
        #expect(PythonJSON.parse(String(repeating: "[", count: deep + 1) + String(repeating: "]", count: deep + 1)) == nil)
        #expect(PythonJSON.parse(String(repeating: "{\"a\":", count: 200_000) + "1" + String(repeating: "}", count: 200_000)) == nil)
    }
}
