#!/usr/bin/env python3
"""Talks to a cachechat emulator with the official OpenAI Python SDK, as a real
third-party client would, and prints what it read as one JSON object.

Usage: openai_probe.py BASE_URL
"""
import json
import sys

from openai import OpenAI


def usage_fields(usage):
    if usage is None:
        return None
    extra = usage.model_extra or {}
    details = usage.prompt_tokens_details
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_cache_hit_tokens": extra.get("prompt_cache_hit_tokens"),
        "prompt_cache_miss_tokens": extra.get("prompt_cache_miss_tokens"),
        "cached_tokens": details.cached_tokens if details else None,
    }


def main():
    client = OpenAI(base_url=sys.argv[1], api_key="sk-openai-sdk-probe", max_retries=0)
    messages = [
        {"role": "system", "content": "You are a concise assistant. " * 40},
        {"role": "user", "content": "What does a prompt cache store?"},
    ]
    result = {}

    whole = client.chat.completions.create(model="deepseek-chat", messages=messages, stream=False)
    result["whole"] = {
        "content": whole.choices[0].message.content,
        "finish_reason": whole.choices[0].finish_reason,
        "usage": usage_fields(whole.usage),
    }

    stream = client.chat.completions.create(
        model="deepseek-chat", messages=messages, stream=True, stream_options={"include_usage": True}
    )
    parts, usage, finish, chunks = [], None, None, 0
    for chunk in stream:
        chunks += 1
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            if choice.delta.content:
                parts.append(choice.delta.content)
            if choice.finish_reason:
                finish = choice.finish_reason
    result["stream"] = {"content": "".join(parts), "finish_reason": finish, "usage": usage_fields(usage), "chunks": chunks}

    thinking = client.chat.completions.create(
        model="deepseek-v4-flash", messages=messages, stream=True, stream_options={"include_usage": True}
    )
    reasoning = []
    for chunk in thinking:
        for choice in chunk.choices:
            extra = choice.delta.model_extra or {}
            if extra.get("reasoning_content"):
                reasoning.append(extra["reasoning_content"])
    result["thinking"] = {"reasoning": "".join(reasoning)}

    models = client.models.list()
    result["models"] = [model.id for model in models.data]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
