// Drives a running gateway with the official `openai` client, exactly as a partner's code would, and prints
// one JSON line with what the client saw. OpenAiSdkIT starts the gateway, runs this and checks the line.
import OpenAI, { RateLimitError } from 'openai';

const baseURL = process.env.STREAMGATE_BASE_URL;
const apiKey = process.env.STREAMGATE_API_KEY;
const limitedKey = process.env.STREAMGATE_LIMITED_API_KEY;
const model = process.env.STREAMGATE_MODEL ?? 'echo';
const prompt = 'hello from the openai sdk';

const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20_000 });
const result = {};

const completion = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: prompt }],
});
result.nonStreaming = {
  object: completion.object,
  content: completion.choices[0].message.content,
  role: completion.choices[0].message.role,
  finishReason: completion.choices[0].finish_reason,
  totalTokens: completion.usage?.total_tokens ?? null,
};

const stream = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: prompt }],
  stream: true,
  stream_options: { include_usage: true },
});
let content = '';
let chunks = 0;
let finishReason = null;
let usage = null;
for await (const chunk of stream) {
  chunks += 1;
  if (chunk.choices.length > 0) {
    content += chunk.choices[0].delta?.content ?? '';
    finishReason = chunk.choices[0].finish_reason ?? finishReason;
  }
  if (chunk.usage) {
    usage = chunk.usage;
  }
}
result.streaming = { content, chunks, finishReason, completionTokens: usage?.completion_tokens ?? null };

const limited = new OpenAI({ baseURL, apiKey: limitedKey, maxRetries: 0, timeout: 20_000 });
result.rateLimit = { statuses: [] };
for (let i = 0; i < 3; i++) {
  try {
    await limited.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    result.rateLimit.statuses.push(200);
  } catch (e) {
    if (e instanceof RateLimitError) {
      result.rateLimit.statuses.push(e.status);
      result.rateLimit.errorClass = e.constructor.name;
      result.rateLimit.code = e.code;
      result.rateLimit.retryAfter = e.headers?.get('retry-after') ?? null;
    } else {
      throw e;
    }
  }
}

console.log(JSON.stringify(result));
