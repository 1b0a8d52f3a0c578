module example.com/hello2018

go 1.26

require github.com/aws/aws-lambda-go v1.2.0

require github.com/stretchr/testify v1.12.1 // indirect
