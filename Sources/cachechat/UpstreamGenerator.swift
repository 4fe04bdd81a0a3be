import ChatWire
import CurlTransport
import Emulator
import Foundation

/// `serve --upstream URL`: generation comes from another OpenAI-compatible server while the
/// emulator keeps doing the cache accounting with DeepSeek's rules. Each request blocks one
/// of the emulator's worker threads on its own libcurl transport.
enum UpstreamGenerator {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func make(baseURL: String, apiKey: String?, model: String?) -> EmulatorEngine.Generator {
        let endpoint = Endpoint(baseURL: baseURL, apiKey: apiKey, keySource: apiKey.map { KeySource(origin: "CACHECHAT_UPSTREAM_API_KEY", key: $0) })
        return { request in
            var upstream = request
            upstream.stream = false
            upstream.streamOptions = nil
            upstream.userID = nil
            if let model { upstream.model = model }
            let transport = CurlTransport()
            var result: Result<Reply, APIError>? = nil
            let call = try ChatCall(request: upstream, endpoint: endpoint, transport: transport, retry: RetryPolicy()) { event in
                switch event {
                case .completed(let reply): result = .success(reply)
                case .failed(let error, _): result = .failure(error)
                default: break
                }
            }
            while result == nil { transport.poll(timeout: 0.5, extraFD: nil) }
            _ = call
            switch result! {
            // An upstream that echoes the operator's key must not hand it to the client.
            case .success(let reply): return Responder.Output(reasoning: APIError.redact(apiKey, in: reply.reasoningContent),
                                                              content: APIError.redact(apiKey, in: reply.content))
            case .failure(let error): throw Failure(description: APIError.redact(apiKey, in: error.message))
            }
        }
    }
}
