"""The monthly cost of a stack from its graph, per component and in total, at the minimum and the maximum of what
scales, priced from the dated table of each resource's region (offline/price_table.py) with the assumptions it rests on
named; and what a change costs or saves.

Components are the graph's top-level resources; what scales is the node groups' nodes and Aurora Serverless v2
capacity; what the graph cannot know (hours in a month, traffic, data volumes) is `Usage`. On-demand list prices,
before any discount, free tier, tax or support plan.

One module per subject: the assumptions (`usage`), the result (`model`), the pricers by subject (`compute`, `data`,
`backup`, `network`, `operations`) over the graph they share (`pricing_graph`), the types with no charge (`free`),
the estimate (`estimate`) and its text (`render`), and the cost of a change (`delta`).
"""
