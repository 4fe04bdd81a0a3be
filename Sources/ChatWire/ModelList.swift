/// The body of `GET /models`: `{"object":"list","data":[{"id","object","owned_by"}]}`.
public struct ModelList: Sendable, Equatable, Codable {
    public var object: String?
    public var data: [Model]

    /// One model the endpoint serves.
    public struct Model: Sendable, Equatable, Codable {
        public var id: String
        public var object: String?
        public var ownedBy: String?
        public var created: Int?

        public init(id: String, object: String? = "model", ownedBy: String? = nil, created: Int? = nil) {
            self.id = id
            self.object = object
            self.ownedBy = ownedBy
            self.created = created
        }

        private enum CodingKeys: String, CodingKey {
            case id, object, created
            case ownedBy = "owned_by"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            object = try? container.decodeIfPresent(String.self, forKey: .object)
            ownedBy = try? container.decodeIfPresent(String.self, forKey: .ownedBy)
            created = container.lenientInt(.created)
        }
    }

    public init(object: String? = "list", data: [Model]) {
        self.object = object
        self.data = data
    }

    private enum CodingKeys: String, CodingKey { case object, data }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        object = try? container.decodeIfPresent(String.self, forKey: .object)
        data = try container.decodeIfPresent([Model].self, forKey: .data) ?? []
    }

    /// The model ids, in server order.
    public var ids: [String] { data.map(\.id) }
}
