// Small specs shared by the language-server tests: a models/types file and a graph file that
// imports it. Both check clean; tests edit them to provoke diagnostics.

export const MODELS = `/// Cheap and quick.
model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 300 }
model smart = openai("gpt-4o") { temperature: 0.2, max_tokens: 800 }

/// A customer ticket.
type Ticket {
  id: string
  subject: string
  body: string
  tier: "free" | "pro"
}
`;

export const MAIN = `import "models.agentgraph"

// Routing
// of tickets.
type Route { category: "billing" | "other", confidence: number }
type Draft { reply: string }

agent classify(ticket: Ticket) -> Route {
  model: fast
  prompt: """
    Classify: {{ticket.subject}}
    {{ticket.body}}
  """
}
agent billing(ticket: Ticket) -> Draft { model: smart, prompt: "Answer {{ticket.body}}" }
human lead(ticket: Ticket) -> Draft { timeout: 4h }

graph Support(ticket: Ticket) -> Draft {
  budget { cost: $1, latency: 5m, steps: 20 }
  start -> classify(ticket)
  classify -> billing(ticket) when classify.category == "billing"
  classify -> lead(ticket) otherwise
  billing -> end(billing)
  lead -> end(lead)
}

eval triage for Support {
  cases: [ { ticket: { id: "1", subject: "s", body: "b", tier: "pro" } } ]
  assert run.cost < $1
}
`;

/** A second importer of MODELS. */
export const OTHER = `import "models.agentgraph"

agent echo(ticket: Ticket) -> Ticket { model: fast, prompt: "Repeat {{ticket.id}}" }

graph Echo(ticket: Ticket) -> Ticket {
  start -> echo(ticket)
  echo -> end(echo)
}
`;
