"""The LLM layer: any OpenAI-compatible chat model, on top of the offline path.

Used only when `OPENAI_API_KEY` is set (`Settings.llm_configured`); without it every
caller takes the offline path it always had. Each use is small and falls back offline on
any failure (error, timeout, 429, malformed output, refusal, spent budget), logging why:

* `routing` — a message to one operation and its arguments: one tool-calling request over
  the operation catalogue (tools generated from the operations' argument models), else a
  JSON-mode request, else the offline interpreter;
* `answers` — grounded answers with numbered citations, checked against the passages;
* `narrative` — the opening paragraph of a summary, checked against its facts.

`client.LanguageModel` makes the calls (timeouts, bounded retries, token caps) and
records each in `usage`; `completions` holds what a call gives back or why it failed;
`safety` cleans what a model wrote before anyone sees it.
Prompts are files in `prompts/`.
"""
