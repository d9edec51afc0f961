package budget

// Version is budgetlens' version. Every stored result records it so that a
// number in a report can be traced to the code that produced it.
const Version = "0.1.0-dev"
