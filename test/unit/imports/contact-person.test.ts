import { expect } from 'chai';
import { personNamed, personRefOf } from '../../../server/imports/match-rules.js';

describe('contact person cells', () => {
  const people = [
    { _id: 'a', name: '김담당', email: 'kim@haeundae.example' },
    { _id: 'b', name: '이담당', email: null },
    { _id: 'c', name: '박동명', email: 'park1@example.kr' },
    { _id: 'd', name: '박동명', email: 'park2@example.kr' },
  ];

  it('when a cell is "name <email>", an email or a name, then it is read as what to look the person up by', () => {
    expect(personRefOf('김담당 <Kim@Haeundae.example>')).to.deep.equal({
      email: 'kim@haeundae.example',
      name: '김담당',
    });
    expect(personRefOf(' kim@haeundae.example ')).to.deep.equal({ email: 'kim@haeundae.example' });
    expect(personRefOf('이담당')).to.deep.equal({ name: '이담당' });
  });

  it('when a person is named by email, then that person is found; by a name, only when one person has it', () => {
    expect(personNamed(people, '김담당 <kim@haeundae.example>')?._id).to.equal('a');
    expect(personNamed(people, '다른이름 <park2@example.kr>')?._id).to.equal('d');
    expect(personNamed(people, '이담당')?._id).to.equal('b');
    expect(personNamed(people, '박동명')).to.equal(undefined);
    expect(personNamed(people, 'nobody@example.kr')).to.equal(undefined);
  });
});
