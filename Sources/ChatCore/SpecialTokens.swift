/// Added-token strings the DeepSeek templates emit (U+FF5C and U+2581 inside).
enum SpecialToken {
    static let bos = "<｜begin▁of▁sentence｜>"
    static let eos = "<｜end▁of▁sentence｜>"
    static let user = "<｜User｜>"
    static let assistant = "<｜Assistant｜>"
    static let think = "<think>"
    static let endThink = "</think>"
    static let dsml = "｜DSML｜"
    static let toolCallsBegin = "<｜tool▁calls▁begin｜>"
    static let toolCallsEnd = "<｜tool▁calls▁end｜>"
    static let toolCallBegin = "<｜tool▁call▁begin｜>"
    static let toolCallEnd = "<｜tool▁call▁end｜>"
    static let toolSep = "<｜tool▁sep｜>"
    static let toolOutputsBegin = "<｜tool▁outputs▁begin｜>"
    static let toolOutputsEnd = "<｜tool▁outputs▁end｜>"
    static let toolOutputBegin = "<｜tool▁output▁begin｜>"
    static let toolOutputEnd = "<｜tool▁output▁end｜>"
}
