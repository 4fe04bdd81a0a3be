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
}
